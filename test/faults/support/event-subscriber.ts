/**
 * A RabbitMQ subscriber that records every delivery, surviving broker restarts: a durable queue bound to
 * `customer.#` keeps messages while it is disconnected, and it reconnects by itself.
 */
import { type ChannelModel, connect } from 'amqplib';

export interface Delivery {
  readonly eventId: string;
  readonly type: string;
  readonly subject: string;
  readonly sequence: number;
  readonly email: string | undefined;
  readonly traceparent: string | undefined;
}

export class EventSubscriber {
  readonly deliveries: Delivery[] = [];
  private connection: ChannelModel | null = null;
  private stopped = false;

  private constructor(
    private readonly url: string,
    private readonly exchange: string,
    readonly queue: string,
  ) {}

  static async start(url: string, exchange: string, queue: string): Promise<EventSubscriber> {
    const subscriber = new EventSubscriber(url, exchange, queue);
    await subscriber.connect();
    return subscriber;
  }

  private async connect(): Promise<void> {
    const connection = await connect(this.url, { noDelay: true });
    connection.on('error', () => undefined);
    connection.on('close', () => {
      this.connection = null;
      if (!this.stopped) void this.reconnect();
    });
    const channel = await connection.createChannel();
    // Same declaration as the relay's, so whichever comes first creates it and the other agrees.
    await channel.assertExchange(`${this.exchange}.unrouted`, 'fanout', { durable: true });
    await channel.assertExchange(this.exchange, 'topic', {
      durable: true,
      alternateExchange: `${this.exchange}.unrouted`,
    });
    await channel.assertQueue(this.queue, { durable: true });
    await channel.bindQueue(this.queue, this.exchange, 'customer.#');
    await channel.prefetch(500);
    await channel.consume(this.queue, (message) => {
      if (!message) return;
      const event = JSON.parse(message.content.toString());
      this.deliveries.push({
        eventId: String(message.properties.messageId),
        type: event.type,
        subject: event.subject,
        sequence: Number(event.sequence),
        email: event.data?.email,
        traceparent: message.properties.headers?.traceparent,
      });
      channel.ack(message);
    });
    this.connection = connection;
  }

  private async reconnect(): Promise<void> {
    while (!this.stopped && !this.connection) {
      await new Promise((r) => setTimeout(r, 500));
      await this.connect().catch(() => undefined);
    }
  }

  /** Waits until `done()` holds or the time is up; returns whether it held. */
  async waitFor(done: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    return done();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const connection = this.connection ?? (await connect(this.url).catch(() => null));
    if (!connection) return;
    const channel = await connection.createChannel();
    await channel.deleteQueue(this.queue).catch(() => undefined);
    await connection.close().catch(() => undefined);
  }
}
