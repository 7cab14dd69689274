/**
 * The hand-written relay of the raw floor: what an outbox relay is with no framework. One batch = one READ
 * COMMITTED transaction: claim up to `batchSize` pending rows with FOR UPDATE SKIP LOCKED (the same statement and
 * index hint as the service's claim), publish each on a confirm channel (noDelay), wait for every confirm, mark the
 * batch published in one UPDATE, commit. Several of these can drain one backlog side by side.
 *
 * It sends the same messages as the service: each row once per version in EVENTS_PUBLISHED (`v1,v2` while `.v1`
 * is deprecated, as the service's default), the `.v2` body derived from the stored `.v1` one by hand. It
 * deliberately leaves out what the service adds on top (per-aggregate order gate, backoff, dead letters,
 * unroutable returns, more than one batch in flight): the ratio to it is the price of those and of the framework
 * together.
 */
import { type ChannelModel, type ConfirmChannel, connect } from 'amqplib';
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { toDb } from '../support/customers-data';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

interface PendingRow extends RowDataPacket {
  position: string;
  id: string;
  aggregateid: string;
  type: string;
  payload: string;
  headers: string | null;
  occurred_at: Date;
}

/**
 * A confirm channel on a noDelay connection, with the topology the service declares (so either may come first),
 * opened on first use and again after the connection is lost.
 */
export class BrokerLink {
  private opening: Promise<{ connection: ChannelModel; channel: ConfirmChannel }> | null = null;

  constructor(
    private readonly url: string,
    readonly exchange: string,
    private readonly name: string,
  ) {}

  async channel(): Promise<ConfirmChannel> {
    this.opening ??= this.open().catch((error: Error) => {
      this.opening = null;
      throw error;
    });
    return (await this.opening).channel;
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = null;
    await opening?.then(({ connection }) => connection.close()).catch(() => undefined);
  }

  private async open(): Promise<{ connection: ChannelModel; channel: ConfirmChannel }> {
    const connection = await connect(this.url, { noDelay: true, clientProperties: { connection_name: this.name } });
    connection.on('error', () => undefined); // 'close' follows
    connection.on('close', () => {
      this.opening = null;
    });
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    const unrouted = `${this.exchange}.unrouted`;
    await channel.assertExchange(unrouted, 'fanout', { durable: true });
    await channel.assertQueue(unrouted, { durable: true });
    await channel.bindQueue(unrouted, unrouted, '');
    await channel.assertExchange(this.exchange, 'topic', { durable: true, alternateExchange: unrouted });
    return { connection, channel };
  }
}

export class RawRelay {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  published = 0;

  constructor(
    private readonly pool: Pool,
    private readonly broker: BrokerLink,
    private readonly batchSize: number,
    private readonly pollMs: number,
    private readonly versions: readonly EventVersion[] = ['v1'],
  ) {}

  start(): void {
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.wake();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Called after each local commit, and by the poll. Runs never overlap; a wake-up during one asks for one more. */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.again = false;
    this.running = this.drain()
      .catch((error: Error) => console.error(`raw relay: ${error.message}`))
      .finally(() => {
        this.running = null;
        if (this.again) this.wake();
      });
  }

  private async drain(): Promise<void> {
    while ((await this.batch()) === this.batchSize);
  }

  private async batch(): Promise<number> {
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      const now = toDb(new Date());
      const [rows] = await connection.query<PendingRow[]>(
        `SELECT position, id, aggregateid, type, payload, headers, occurred_at FROM outbox_messages FORCE INDEX (ix_outbox_pending)
          WHERE published_at IS NULL AND dead_lettered_at IS NULL AND available_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
          ORDER BY position LIMIT ? FOR UPDATE SKIP LOCKED`,
        [now, now, this.batchSize],
      );
      if (rows.length > 0) {
        const channel = await this.broker.channel();
        await Promise.all(rows.map((row) => this.publishVersions(channel, row)));
        await connection.query(
          'UPDATE outbox_messages SET published_at = ?, lease_owner = NULL, lease_until = NULL WHERE position IN (?) AND published_at IS NULL',
          [toDb(new Date()), rows.map((row) => Number(row.position))],
        );
      }
      await connection.commit();
      this.published += rows.length;
      return rows.length;
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    } finally {
      connection.release();
    }
  }

  /** One message per version in EVENTS_PUBLISHED, all sharing the row's headers, parsed once. */
  private publishVersions(channel: ConfirmChannel, row: PendingRow): Promise<void[]> {
    const headers = row.headers ? (JSON.parse(row.headers) as Record<string, string>) : {};
    return Promise.all(
      this.versions.map((version) => this.publish(channel, row, headers, version === 'v1' ? row : asV2(row.payload))),
    );
  }

  private publish(
    channel: ConfirmChannel,
    row: PendingRow,
    headers: Record<string, string>,
    { type, payload }: { type: string; payload: string },
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      channel.publish(
        this.broker.exchange,
        routingKeyOf(type),
        Buffer.from(payload, 'utf8'),
        {
          persistent: true,
          mandatory: true,
          messageId: row.id,
          contentType: CLOUDEVENTS_CONTENT_TYPE,
          type,
          timestamp: Math.floor(row.occurred_at.getTime() / 1000),
          headers,
        },
        (error: Error | null) => (error ? reject(error) : resolve()),
      );
    });
  }
}

export type EventVersion = 'v1' | 'v2';

/** EVENTS_PUBLISHED as the service reads it: `v1`, `v2` or both, comma-separated. */
export function eventVersions(raw: string | undefined): EventVersion[] {
  const versions = (raw ?? 'v1').split(',').map((version) => version.trim());
  for (const version of versions) if (version !== 'v1' && version !== 'v2') throw new Error(`EVENTS_PUBLISHED: ${raw}`);
  return versions as EventVersion[];
}

/** The `.v2` of a stored `.v1` event: the same envelope with its type's version and a 20-digit `sequence`. */
function asV2(v1Payload: string): { type: string; payload: string } {
  const event = JSON.parse(v1Payload) as { type: string; sequence: number | string };
  const type = event.type.replace(/\.v1$/, '.v2');
  return { type, payload: JSON.stringify({ ...event, type, sequence: String(event.sequence).padStart(20, '0') }) };
}

/** customerflow.customer.registered.v1 → customer.registered; the `.v2` → v2.customer.registered */
export function routingKeyOf(type: string): string {
  const match = /^customerflow\.(.+)\.(v\d+)$/.exec(type);
  if (!match) return type;
  return match[2] === 'v1' ? match[1] : `${match[2]}.${match[1]}`;
}
