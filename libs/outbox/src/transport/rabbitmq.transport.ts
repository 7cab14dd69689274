/**
 * Publishes outbox rows to RabbitMQ (the message contract of libs/contracts/README.md) on a confirm channel: a publish resolves only on the broker's
 * ack, which is when the relay may mark the row published.
 *
 * Topology, declared on every (re)connect so a fresh broker needs no set-up: the durable topic exchange
 * (`customerflow.events`) whose alternate exchange is a fanout `<exchange>.unrouted` feeding the durable queue
 * `<exchange>.unrouted`. An event nobody is bound to is therefore kept there instead of being dropped; messages are
 * also published `mandatory`, so if even that route were missing the broker would return them and the row would
 * count as failed rather than published.
 *
 * The connection is opened lazily and re-opened on the next publish after it is lost; the relay decides how long
 * to wait between attempts (it pauses while this transport throws `TransportUnavailableError`).
 */
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { connect, type ChannelModel, type ConfirmChannel, type Options } from 'amqplib';
import { routingKeyOf } from '@customerflow/contracts';
import type { OutboxMessage } from '../outbox-message';
import { coalesceWrites, socketOf } from './coalesced-writes';
import { CLOUDEVENTS_CONTENT_TYPE } from './in-memory.transport';
import { MessageRejectedError, OutboxTransport, TransportUnavailableError } from './outbox.transport';

/** RabbitMQ's default `max_message_size` (3.8+): a bigger body would close the channel for everything in flight. */
export const MAX_MESSAGE_BYTES = 128 * 1024 * 1024;

export interface RabbitMqTransportOptions {
  /** amqp://user:password@host:5672/vhost */
  readonly url: string;
  /** The topic exchange events are published to (`AMQP_EXCHANGE`). */
  readonly exchange: string;
  /**
   * How long a publish may wait for its confirm. Past it the channel is given up on (the broker may be blocked by a
   * resource alarm or the network may be gone without a FIN): its publishes count as not sent, so they are retried.
   */
  readonly confirmTimeoutMs?: number;
  readonly connectTimeoutMs?: number;
  /** Shown in the management UI's connection list. */
  readonly connectionName?: string;
}

export class RabbitMqTransport extends OutboxTransport {
  readonly name = 'rabbitmq';
  /** The fanout alternate exchange and the queue it feeds share this name. */
  readonly unrouted: string;
  private readonly logger = new Logger(RabbitMqTransport.name);
  private readonly confirmTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private connection: ChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  private opening: Promise<ConfirmChannel> | null = null;
  /** Set while the socket buffer is full: later publishes wait for it to drain. */
  private drained: Promise<void> | null = null;
  /** Message ids the broker returned as unroutable; their confirm follows the return. */
  private readonly returned = new Set<string>();
  private closed = false;

  constructor(private readonly options: RabbitMqTransportOptions) {
    super();
    this.unrouted = `${options.exchange}.unrouted`;
    this.confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 5000;
  }

  async publish(message: OutboxMessage): Promise<void> {
    let routingKey: string;
    try {
      routingKey = routingKeyOf(message.type);
    } catch (error) {
      throw new MessageRejectedError((error as Error).message, { cause: error });
    }
    const body = Buffer.from(message.payload, 'utf8');
    if (body.length > MAX_MESSAGE_BYTES) {
      throw new MessageRejectedError(
        `the body is ${body.length} bytes, over RabbitMQ's max_message_size of ${MAX_MESSAGE_BYTES}`,
      );
    }
    const channel = await this.openChannel();
    if (this.drained) await this.drained;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: Error) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const wasReturned = this.returned.delete(message.id);
        if (error) reject(error);
        else if (wasReturned)
          reject(new MessageRejectedError(`the broker returned it as unroutable (routing key ${routingKey})`));
        else resolve();
      };
      const timer = setTimeout(() => {
        settle(new TransportUnavailableError(`no publisher confirm within ${this.confirmTimeoutMs} ms`));
        this.abandon(channel, 'a publisher confirm timed out');
      }, this.confirmTimeoutMs);
      try {
        const accepted = channel.publish(
          this.options.exchange,
          routingKey,
          body,
          this.propertiesOf(message),
          (error: Error | null) => {
            if (!error) settle();
            else if (error.message === 'message nacked')
              settle(new MessageRejectedError('the broker nacked the message'));
            else
              settle(
                new TransportUnavailableError(`the channel closed before the confirm (${error.message})`, {
                  cause: error,
                }),
              );
          },
        );
        if (!accepted) this.waitForDrain(channel);
      } catch (error) {
        // amqplib throws synchronously when the channel closed between openChannel() and here.
        settle(new TransportUnavailableError(`cannot publish: ${(error as Error).message}`, { cause: error }));
      }
    });
  }

  async check(): Promise<void> {
    await this.openChannel();
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.opening?.catch(() => undefined);
    const connection = this.connection;
    this.connection = null;
    this.channel = null;
    // Closing the connection fails every publish still waiting for a confirm with "channel closed".
    await connection?.close().catch(() => undefined);
  }

  /** The message contract: CloudEvents structured mode, the event id as messageId, trace context as headers. */
  private propertiesOf(message: OutboxMessage): Options.Publish {
    const headers: Record<string, string> = {};
    if (message.headers.traceparent) headers.traceparent = message.headers.traceparent;
    if (message.headers.tracestate) headers.tracestate = message.headers.tracestate;
    return {
      persistent: true,
      mandatory: true,
      messageId: message.id,
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      type: message.type,
      timestamp: Math.floor(message.occurredAt.getTime() / 1000),
      headers,
    };
  }

  private openChannel(): Promise<ConfirmChannel> {
    if (this.closed) return Promise.reject(new TransportUnavailableError('the RabbitMQ transport is closed'));
    if (this.channel) return Promise.resolve(this.channel);
    // Concurrent publishes share one connection attempt.
    this.opening ??= this.connect().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async connect(): Promise<ConfirmChannel> {
    let connection: ChannelModel | undefined;
    try {
      connection = await connect(this.options.url, {
        noDelay: true, // without it Nagle holds each small publish ~40 ms waiting for the confirm of the previous one
        timeout: this.connectTimeoutMs,
        clientProperties: { connection_name: this.options.connectionName ?? `customerflow-relay@${hostname()}` },
      });
      const opened = connection;
      const socket = socketOf(opened);
      if (socket) coalesceWrites(socket);
      else this.logger.warn('cannot reach the socket under the amqplib connection: one write per publish');
      opened.on('error', (error: Error) => this.logger.warn(`RabbitMQ connection error: ${error.message}`));
      opened.on('blocked', (reason: string) => this.logger.warn(`RabbitMQ blocked publishing: ${reason}`));
      opened.on('close', () => this.forget(opened));
      const channel = await opened.createConfirmChannel();
      channel.on('error', (error: Error) => this.logger.warn(`RabbitMQ channel error: ${error.message}`));
      channel.on('close', () => this.abandon(channel, 'the channel closed'));
      channel.on('return', (returned: { properties: { messageId?: string } }) => {
        if (returned.properties.messageId) this.returned.add(returned.properties.messageId);
      });
      await this.declareTopology(channel);
      if (this.closed) throw new Error('closed while connecting');
      this.connection = opened;
      this.channel = channel;
      this.logger.log(
        `connected to RabbitMQ at ${redact(this.options.url)}, publishing to exchange ${this.options.exchange}`,
      );
      return channel;
    } catch (error) {
      await connection?.close().catch(() => undefined);
      throw new TransportUnavailableError(
        `cannot reach RabbitMQ at ${redact(this.options.url)}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  private async declareTopology(channel: ConfirmChannel): Promise<void> {
    await channel.assertExchange(this.unrouted, 'fanout', { durable: true });
    await channel.assertQueue(this.unrouted, { durable: true });
    await channel.bindQueue(this.unrouted, this.unrouted, '');
    await channel.assertExchange(this.options.exchange, 'topic', { durable: true, alternateExchange: this.unrouted });
  }

  private waitForDrain(channel: ConfirmChannel): void {
    if (this.drained) return;
    this.drained = new Promise<void>((resolve) => {
      const done = () => {
        channel.off('drain', done);
        channel.off('close', done);
        this.drained = null;
        resolve();
      };
      channel.once('drain', done);
      channel.once('close', done);
    });
  }

  /** Drops a channel we can no longer trust, and its connection with it: the next publish reconnects. */
  private abandon(channel: ConfirmChannel, reason: string): void {
    if (this.channel !== channel) return;
    this.logger.warn(`RabbitMQ channel lost (${reason}); reconnecting on the next publish`);
    const connection = this.connection;
    this.channel = null;
    this.connection = null;
    void connection?.close().catch(() => undefined);
  }

  private forget(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.logger.warn('RabbitMQ connection closed; reconnecting on the next publish');
    this.connection = null;
    this.channel = null;
  }
}

/** The URL without its password, for logs. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the configured AMQP_URL';
  }
}
