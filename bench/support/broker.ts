/**
 * RabbitMQ for the bench: the bench's own exchange (the service's topology, declared the same way), a sink queue
 * bound to `customer.#` standing in for a subscriber, purged between scenarios and deleted at the end, and the
 * consumer that timestamps deliveries for the commit-to-consumer figure.
 *
 * Other suites on a shared machine may restart the broker (the fault suite does). The connection is reopened on
 * the next use, and every drop is counted, so the runner can tell that a scenario's figures were disturbed.
 */
import { type Channel, type ChannelModel, connect, type ConsumeMessage } from 'amqplib';
import type { BenchConfig } from './config';

export class BenchBroker {
  private connection: ChannelModel | null = null;
  private channel: Channel | null = null;
  /** How many times the broker connection was lost so far. */
  drops = 0;
  version = 'unknown';

  constructor(private readonly config: BenchConfig) {}

  static async open(config: BenchConfig): Promise<BenchBroker> {
    const broker = new BenchBroker(config);
    await broker.ready();
    return broker;
  }

  private async ready(): Promise<Channel> {
    if (this.channel) return this.channel;
    const { config } = this;
    const connection = await connect(config.amqpUrl, {
      noDelay: true,
      clientProperties: { connection_name: 'customerflow-bench' },
    });
    connection.on('error', () => undefined);
    connection.on('close', () => {
      if (this.connection === connection) {
        this.drops++;
        this.connection = null;
        this.channel = null;
      }
    });
    const channel = await connection.createChannel();
    channel.on('error', () => undefined);
    const unrouted = `${config.exchange}.unrouted`;
    await channel.assertExchange(unrouted, 'fanout', { durable: true });
    await channel.assertQueue(unrouted, { durable: true });
    await channel.bindQueue(unrouted, unrouted, '');
    await channel.assertExchange(config.exchange, 'topic', { durable: true, alternateExchange: unrouted });
    await channel.assertQueue(config.sinkQueue, { durable: true });
    await channel.bindQueue(config.sinkQueue, config.exchange, 'customer.#');
    this.version = String((connection.connection.serverProperties as { version?: string }).version ?? 'unknown');
    this.connection = connection;
    this.channel = channel;
    return channel;
  }

  async sinkDepth(): Promise<number> {
    return (await (await this.ready()).checkQueue(this.config.sinkQueue)).messageCount;
  }

  async purge(): Promise<void> {
    const channel = await this.ready();
    await channel.purgeQueue(this.config.sinkQueue);
    await channel.purgeQueue(`${this.config.exchange}.unrouted`);
  }

  /**
   * A subscriber on its own queue bound to `customer.#`: calls `onDelivery` with the receive time (ms since the
   * epoch, sub-millisecond) and the parsed CloudEvent. Returns a function that cancels it and deletes the queue.
   */
  async subscribe(
    onDelivery: (receivedAt: number, event: { subject: string; time: string }) => void,
  ): Promise<() => Promise<void>> {
    const channel = await this.ready();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, this.config.exchange, 'customer.#');
    const { consumerTag } = await channel.consume(
      queue,
      (message: ConsumeMessage | null) => {
        if (!message) return;
        const receivedAt = performance.timeOrigin + performance.now();
        onDelivery(receivedAt, JSON.parse(message.content.toString('utf8')) as { subject: string; time: string });
      },
      { noAck: true },
    );
    return async () => {
      if (this.channel !== channel) return; // the connection dropped: the exclusive queue went with it
      await channel.cancel(consumerTag).catch(() => undefined);
      await channel.deleteQueue(queue).catch(() => undefined);
    };
  }

  /** Leaves nothing behind: the sink and the unrouted queue hold only bench events. */
  async close(): Promise<void> {
    try {
      const channel = await this.ready();
      await channel.deleteQueue(this.config.sinkQueue);
      await channel.purgeQueue(`${this.config.exchange}.unrouted`);
    } catch {
      // best effort
    }
    const connection = this.connection;
    this.connection = null;
    this.channel = null;
    await connection?.close().catch(() => undefined);
  }
}
