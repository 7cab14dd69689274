/**
 * A sender of CloudEvents commands, as another system would be one: publishes to the commands queue on a confirm
 * channel (structured or binary mode), with an exclusive reply queue for request/reply, and reads the dead letter
 * queue. Also deletes the queues the consumer declared for a test's own commands queue.
 */
import { randomUUID } from 'node:crypto';
import { type ChannelModel, type ConfirmChannel, connect, type GetMessage } from 'amqplib';

export interface Reply {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

export interface CommandEvent {
  readonly specversion?: string;
  readonly id?: string;
  readonly source?: string;
  readonly type: string;
  readonly subject?: string;
  readonly data?: unknown;
  readonly traceparent?: string;
  readonly [extension: string]: unknown;
}

export interface SendOptions {
  readonly mode?: 'structured' | 'binary';
  /** Ask for a reply: resolved by `reply()` with the same correlation id. */
  readonly correlationId?: string;
  readonly headers?: Record<string, unknown>;
}

export function aCommand(
  type: string,
  fields: Partial<CommandEvent> = {},
): Required<Pick<CommandEvent, 'id'>> & CommandEvent {
  return { specversion: '1.0', id: randomUUID(), source: '/tests/crm-export', type, ...fields };
}

export class CommandSender {
  private replyQueue = '';
  private readonly replies = new Map<string, Reply>();
  private readonly waiters = new Map<string, (reply: Reply) => void>();

  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: ConfirmChannel,
    readonly queue: string,
  ) {}

  static async open(url: string, queue: string): Promise<CommandSender> {
    const connection = await connect(url, { noDelay: true });
    connection.on('error', () => undefined);
    const channel = await connection.createConfirmChannel();
    const sender = new CommandSender(connection, channel, queue);
    const { queue: replyQueue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    sender.replyQueue = replyQueue;
    await channel.consume(
      replyQueue,
      (message) => {
        if (!message) return;
        const text = message.content.toString('utf8');
        const reply: Reply = {
          status: Number(message.properties.headers?.status),
          contentType: message.properties.contentType,
          body: text ? JSON.parse(text) : undefined,
        };
        const id = String(message.properties.correlationId);
        sender.replies.set(id, reply);
        sender.waiters.get(id)?.(reply);
      },
      { noAck: true },
    );
    return sender;
  }

  /** Publishes and waits for the broker's confirm. */
  async send(event: CommandEvent | Buffer, options: SendOptions = {}): Promise<void> {
    const properties = {
      persistent: true,
      ...(options.correlationId ? { replyTo: this.replyQueue, correlationId: options.correlationId } : {}),
    };
    if (Buffer.isBuffer(event)) {
      this.channel.sendToQueue(this.queue, event, {
        ...properties,
        contentType: 'application/cloudevents+json',
        headers: options.headers,
      });
    } else if (options.mode === 'binary') {
      const { data, ...attributes } = event;
      const headers = Object.fromEntries(Object.entries(attributes).map(([k, v]) => [`cloudEvents:${k}`, v]));
      this.channel.sendToQueue(this.queue, Buffer.from(data === undefined ? '' : JSON.stringify(data)), {
        ...properties,
        contentType: 'application/json',
        headers: { ...headers, ...options.headers },
      });
    } else {
      this.channel.sendToQueue(this.queue, Buffer.from(JSON.stringify(event)), {
        ...properties,
        contentType: 'application/cloudevents+json',
        headers: options.headers,
      });
    }
    await this.channel.waitForConfirms();
  }

  /** Sends with a fresh correlation id and waits for the reply. */
  async request(event: CommandEvent, options: SendOptions = {}, timeoutMs = 15_000): Promise<Reply> {
    const correlationId = randomUUID();
    await this.send(event, { ...options, correlationId });
    return this.reply(correlationId, timeoutMs);
  }

  reply(correlationId: string, timeoutMs = 15_000): Promise<Reply> {
    const known = this.replies.get(correlationId);
    if (known) return Promise.resolve(known);
    return new Promise<Reply>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no reply to ${correlationId} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.set(correlationId, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
    });
  }

  /** Takes every message now in `queue` (acked). */
  async drain(queue: string): Promise<GetMessage[]> {
    const messages: GetMessage[] = [];
    for (let message = await this.channel.get(queue); message; message = await this.channel.get(queue)) {
      this.channel.ack(message);
      messages.push(message);
    }
    return messages;
  }

  async messageCount(queue: string): Promise<number> {
    return (await this.channel.checkQueue(queue)).messageCount;
  }

  /** Waits until `queue` has at least `count` messages, then takes them all. */
  async waitForMessages(queue: string, count: number, timeoutMs = 15_000): Promise<GetMessage[]> {
    const taken: GetMessage[] = [];
    const deadline = Date.now() + timeoutMs;
    while (taken.length < count) {
      taken.push(...(await this.drain(queue)));
      if (taken.length >= count) break;
      if (Date.now() > deadline)
        throw new Error(`expected ${count} messages on ${queue} within ${timeoutMs} ms, got ${taken.length}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return taken;
  }

  /** Deletes the commands queue, its dead letter queue and its delay queues (their names start with the queue's). */
  async deleteQueues(delayQueues: readonly string[]): Promise<void> {
    for (const name of [this.queue, `${this.queue}.dlq`, ...delayQueues])
      await this.channel.deleteQueue(name).catch(() => undefined);
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/** Polls `check` until it holds (or the time is up); returns its last value. */
export async function eventually<T>(
  check: () => Promise<T>,
  holds: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (holds(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
