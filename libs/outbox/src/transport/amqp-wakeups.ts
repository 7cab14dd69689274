/**
 * Wake-ups across processes. An API that does not relay (OUTBOX_RELAY=off, as deployed on Kubernetes) tells the
 * relay processes that it has committed outbox rows, so that they claim them at once instead of at their next poll:
 * without it, an event waits OUTBOX_POLL_MS / 2 on average before it leaves.
 *
 * Over RabbitMQ: the fanout exchange `<exchange>.wakeups` (durable, so it outlives every process) carries transient
 * messages with an empty body. Each relay consumes from a queue of its own (exclusive, so the broker deletes it with
 * the connection) bound to it, holding at most one message: a relay that is busy finds one wake-up waiting, however
 * many commits there were. Commits in one turn of the event loop send one message.
 *
 * A wake-up carries no data and nothing depends on it: the relay still polls, so a lost one (broker down, a relay
 * reconnecting) only costs latency. Neither side ever throws into its caller; a failed connection is retried at most
 * every RECONNECT_MS.
 */
import { Logger } from '@nestjs/common';
import { type Channel, type ChannelModel, connect } from 'amqplib';

const RECONNECT_MS = 2000;
const CONNECT_TIMEOUT_MS = 5000;

export class AmqpWakeups {
  private readonly logger = new Logger('OutboxWakeups');
  readonly exchange: string;
  private connection: ChannelModel | null = null;
  private channel: Channel | null = null;
  private opening: Promise<Channel | null> | null = null;
  private lastFailure = 0;
  private sendDue = false;
  private listener: (() => void) | null = null;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    eventsExchange: string,
    private readonly connectionName: string,
  ) {
    this.exchange = `${eventsExchange}.wakeups`;
  }

  /** After a commit that wrote outbox rows: one wake-up for every relay, sent once this turn of the loop ends. */
  send(): void {
    if (this.sendDue || this.closed) return;
    this.sendDue = true;
    setImmediate(() => {
      this.sendDue = false;
      void this.publish();
    });
  }

  /** Calls `onWake` for every wake-up any process sends, from now until close(). */
  async listen(onWake: () => void): Promise<void> {
    this.listener = onWake;
    await this.open();
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const connection = this.connection;
    this.connection = null;
    this.channel = null;
    await connection?.close().catch(() => undefined);
  }

  /** Opens the sender's connection now, so that the first commit's wake-up does not wait for it. */
  prepare(): void {
    void this.open();
  }

  private async publish(): Promise<void> {
    const channel = this.channel ?? (await this.open());
    try {
      // A full socket buffer refuses the message: the relays are being woken already, and they poll.
      channel?.publish(this.exchange, '', Buffer.alloc(0), { persistent: false });
    } catch {
      // the channel closed under us: its 'close' handler reconnects
    }
  }

  private open(): Promise<Channel | null> {
    // A sender tries again on a send at least RECONNECT_MS after a failure; a listener on its reconnect timer.
    if (this.closed || (!this.listener && Date.now() - this.lastFailure < RECONNECT_MS)) return Promise.resolve(null);
    this.opening ??= this.connect().finally(() => (this.opening = null));
    return this.opening;
  }

  private async connect(): Promise<Channel | null> {
    let connection: ChannelModel | null = null;
    try {
      connection = await connect(this.url, {
        clientProperties: { connection_name: this.connectionName },
        timeout: CONNECT_TIMEOUT_MS,
      });
      const channel = await connection.createChannel();
      await channel.assertExchange(this.exchange, 'fanout', { durable: true });
      if (this.listener) {
        const listener = this.listener;
        const { queue } = await channel.assertQueue('', {
          exclusive: true,
          arguments: { 'x-max-length': 1, 'x-overflow': 'drop-head' },
        });
        await channel.bindQueue(queue, this.exchange, '');
        await channel.consume(queue, () => listener(), { noAck: true });
      }
      connection.on('error', () => undefined); // 'close' follows
      connection.on('close', () => this.lost(connection!));
      if (this.closed) {
        await connection.close();
        return null;
      }
      this.connection = connection;
      this.channel = channel;
      this.logger.log(`${this.listener ? 'listening to' : 'sending'} wake-ups on ${this.exchange}`);
      return channel;
    } catch (error) {
      this.lastFailure = Date.now();
      await connection?.close().catch(() => undefined);
      this.logger.warn(
        `wake-ups unavailable (${(error as Error).message}); relays fall back to polling, retrying in ${RECONNECT_MS} ms`,
      );
      this.scheduleReconnect();
      return null;
    }
  }

  private lost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.channel = null;
    if (this.closed) return;
    this.lastFailure = Date.now();
    this.logger.warn(`wake-ups connection lost; relays fall back to polling, retrying in ${RECONNECT_MS} ms`);
    this.scheduleReconnect();
  }

  /** A listener must get its queue back by itself; a sender reconnects on its next send. */
  private scheduleReconnect(): void {
    if (!this.listener || this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.open();
    }, RECONNECT_MS);
    this.reconnectTimer.unref();
  }
}
