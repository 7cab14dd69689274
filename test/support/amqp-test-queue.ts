/**
 * A real RabbitMQ consumer for relay tests: a uniquely named queue bound to the test's exchange, collecting every
 * message it receives, plus clean-up of the per-test exchanges so runs leave nothing behind on the broker.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import { RabbitMqTransport } from '../../libs/outbox/src';

export interface ReceivedMessage {
  readonly routingKey: string;
  readonly exchange: string;
  readonly body: string;
  readonly properties: ConsumeMessage['properties'];
  readonly redelivered: boolean;
}

export function uniqueName(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}.${randomBytes(3).toString('hex')}`;
}

/** A new events exchange of the test's own, declared with the transport's topology (its unrouted queue included). */
export async function declareTestExchange(url: string): Promise<string> {
  const exchange = uniqueName('customerflow.events.it');
  const topology = new RabbitMqTransport({ url, exchange });
  await topology.check();
  await topology.close();
  return exchange;
}

export class AmqpTestQueue {
  readonly received: ReceivedMessage[] = [];
  private connection: ChannelModel | null = null;
  private channel: Channel | null = null;
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly url: string,
    readonly name: string,
  ) {}

  /** A new durable queue bound to `exchange` with `pattern`; the exchange must exist (declare it through the transport). */
  static async bound(url: string, exchange: string, pattern: string): Promise<AmqpTestQueue> {
    const queue = new AmqpTestQueue(url, uniqueName('customerflow.test'));
    const channel = await queue.open();
    await channel.assertQueue(queue.name, { durable: true });
    await channel.bindQueue(queue.name, exchange, pattern);
    await queue.consume();
    return queue;
  }

  /** Consumes an existing queue, such as `<exchange>.unrouted`. */
  static async existing(url: string, name: string): Promise<AmqpTestQueue> {
    const queue = new AmqpTestQueue(url, name);
    await queue.open();
    await queue.consume();
    return queue;
  }

  /** Re-attaches after the broker was restarted (the queue is durable, its messages persistent). */
  async reconnect(): Promise<void> {
    await this.closeConnection();
    await this.open();
    await this.consume();
  }

  /** Resolves once `count` messages arrived; rejects after `timeoutMs` saying how many did. */
  async waitFor(count: number, timeoutMs: number): Promise<ReceivedMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `expected ${count} messages on ${this.name} within ${timeoutMs} ms, got ${this.received.length}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.received;
  }

  /** Lets late extra messages (duplicates) arrive before the test counts. */
  async settle(quietMs = 300): Promise<void> {
    let seen = -1;
    while (seen !== this.received.length) {
      seen = this.received.length;
      await new Promise((resolve) => setTimeout(resolve, quietMs));
    }
  }

  async delete(): Promise<void> {
    try {
      if (!this.channel) await this.open();
      await this.channel!.deleteQueue(this.name);
    } finally {
      await this.closeConnection();
    }
  }

  async close(): Promise<void> {
    await this.closeConnection();
  }

  private async open(): Promise<Channel> {
    this.connection = await connect(this.url, { noDelay: true });
    this.connection.on('error', () => undefined); // a broker stopped on purpose must not crash the test run
    this.channel = await this.connection.createChannel();
    this.channel.on('error', () => undefined);
    return this.channel;
  }

  private async consume(): Promise<void> {
    await this.channel!.prefetch(1000);
    await this.channel!.consume(this.name, (message) => {
      if (!message) return;
      this.received.push({
        routingKey: message.fields.routingKey,
        exchange: message.fields.exchange,
        body: message.content.toString('utf8'),
        properties: message.properties,
        redelivered: message.fields.redelivered,
      });
      this.channel?.ack(message);
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }

  private async closeConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    this.channel = null;
    await connection?.close().catch(() => undefined);
  }
}

/**
 * Declares a test exchange as the RabbitMQ transport does (a topic exchange whose unrouted messages go to a fanout
 * alternate exchange), so queues can be bound before the service starts publishing.
 */
export async function declareTestTopology(url: string, exchange: string): Promise<void> {
  const connection = await connect(url);
  try {
    const channel = await connection.createChannel();
    await channel.assertExchange(`${exchange}.unrouted`, 'fanout', { durable: true });
    await channel.assertExchange(exchange, 'topic', { durable: true, alternateExchange: `${exchange}.unrouted` });
  } finally {
    await connection.close();
  }
}

/** Deletes a test exchange and its alternate exchange and queue, as the RabbitMQ transport declares them. */
export async function deleteTestTopology(url: string, exchange: string): Promise<void> {
  const connection = await connect(url);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createChannel();
    await channel.deleteExchange(exchange);
    await channel.deleteExchange(`${exchange}.unrouted`);
    await channel.deleteQueue(`${exchange}.unrouted`);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
