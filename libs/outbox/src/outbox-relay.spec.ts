/**
 * The relay on the embedded default: SQLite (lease claim) and the in-memory transport, as `npm start` runs it with
 * no configuration. The broker-side behaviour is covered by the integration suites against RabbitMQ and MariaDB.
 */
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DatabaseResilience, dataSourceOptions, toDb, UnitOfWork } from '@customerflow/platform';
import { createOutboxClaim, type OutboxClaim } from './claim/outbox-claim';
import type { OutboxMessage } from './outbox-message';
import type { OutboxPublicationsOf } from './outbox-publications';
import { OutboxRelay } from './outbox-relay';
import { OutboxSignal } from './outbox-signal';
import { type DeliveredEvent, InMemoryTransport } from './transport/in-memory.transport';
import { TransportUnavailableError } from './transport/outbox.transport';

Logger.overrideLogger(false);

interface Row {
  readonly customerId: string;
  readonly version: number;
  readonly type?: string;
}

async function insert(dataSource: Pick<DataSource, 'query'>, rows: readonly Row[]): Promise<string[]> {
  const ids: string[] = [];
  for (const row of rows) {
    const id = randomUUID();
    const type =
      row.type ?? (row.version === 1 ? 'customerflow.customer.registered.v1' : 'customerflow.customer.updated.v1');
    const payload = JSON.stringify({
      specversion: '1.0',
      id,
      type,
      subject: row.customerId,
      sequence: String(row.version),
    });
    const now = toDb(new Date());
    await dataSource.query(
      `INSERT INTO outbox_messages (id, aggregatetype, aggregateid, type, payload, headers, occurred_at, available_at)
       VALUES (?, 'customer', ?, ?, ?, ?, ?, ?)`,
      [
        id,
        row.customerId,
        type,
        payload,
        JSON.stringify({ traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' }),
        now,
        now,
      ],
    );
    ids.push(id);
  }
  return ids;
}

/** A transport that is down until told otherwise, then delivers through the in-memory one. */
class FlakyTransport extends InMemoryTransport {
  down = true;
  override async publish(message: OutboxMessage): Promise<void> {
    if (this.down) throw new TransportUnavailableError('broker down');
    return super.publish(message);
  }
}

describe('OutboxRelay on SQLite with the in-memory transport', () => {
  let dataSource: DataSource;
  let transport: InMemoryTransport;
  let delivered: DeliveredEvent[];
  let relay: OutboxRelay;

  async function relayWith(
    t: InMemoryTransport,
    maxAttempts = 3,
    publicationsOf?: OutboxPublicationsOf,
  ): Promise<OutboxRelay> {
    const claim = await createOutboxClaim(dataSource, { mode: 'auto', leaseMs: 30_000 });
    return new OutboxRelay(claim, t, {
      batchSize: 10,
      pollMs: 60_000,
      maxAttempts,
      rowBackoff: { baseMs: 50, maxMs: 200, jitter: 0 },
      publicationsOf,
    });
  }

  beforeEach(async () => {
    dataSource = new DataSource(dataSourceOptions({ kind: 'sqlite', url: 'sqlite::memory:', file: ':memory:' }));
    await dataSource.initialize();
    await dataSource.runMigrations();
    transport = new InMemoryTransport();
    delivered = [];
    transport.subscribe('customer.#', (event) => {
      delivered.push(event);
    });
    relay = await relayWith(transport);
  });

  afterEach(async () => {
    await relay.stop();
    await dataSource.destroy();
  });

  it('uses the lease claim on SQLite', () => {
    expect(relay.claimMode).toBe('lease');
  });

  it('delivers every row once, each customer in order, with the AMQP-style properties', async () => {
    const ids = await insert(dataSource, [
      { customerId: '1', version: 1 },
      { customerId: '2', version: 1 },
      { customerId: '1', version: 2 },
      ...Array.from({ length: 20 }, (_, i) => ({ customerId: '3', version: i + 1 })),
    ]);

    while ((await relay.relayBatch()).claimed > 0);

    expect(delivered.map((e) => e.messageId).sort()).toEqual([...ids].sort());
    expect(
      delivered
        .filter((e) => (e.event as { subject: string }).subject === '3')
        .map((e) => (e.event as { sequence: string }).sequence),
    ).toEqual(Array.from({ length: 20 }, (_, i) => String(i + 1)));
    expect(delivered[0]).toMatchObject({
      routingKey: 'customer.registered',
      messageId: ids[0],
      contentType: 'application/cloudevents+json',
      type: 'customerflow.customer.registered.v1',
      headers: { traceparent: expect.stringMatching(/^00-/) },
    });
    const [counts] = await dataSource.query(
      'SELECT COUNT(published_at) AS published, COUNT(lease_owner) AS leased FROM outbox_messages',
    );
    expect(counts).toEqual({ published: 23, leased: 0 });
  });

  it('delivers only to subscribers whose pattern matches, and survives a failing subscriber', async () => {
    const erased: string[] = [];
    transport.subscribe('*.erased', () => {
      throw new Error('subscriber bug');
    });
    transport.subscribe('customer.erased', (event) => {
      erased.push(event.messageId);
    });
    const [, erasure] = await insert(dataSource, [
      { customerId: '1', version: 1 },
      { customerId: '1', version: 2, type: 'customerflow.customer.erased.v1' },
    ]);

    expect(await relay.relayBatch()).toMatchObject({ published: 2, failed: 0 });
    expect(erased).toEqual([erasure]);
    expect(delivered).toHaveLength(2);
  });

  it('runs right after a wake-up, and a wake-up during a run brings exactly one more run', async () => {
    const signal = new OutboxSignal();
    relay.start(signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const ids = await insert(dataSource, [{ customerId: '1', version: 1 }]);
    signal.wake();
    const more = await insert(dataSource, [{ customerId: '1', version: 2 }]);
    signal.wake();
    signal.wake();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(delivered.map((e) => e.messageId)).toEqual([...ids, ...more]);
  });

  it('runs at once on a wake-up when idle, and coalesces the wake-ups that follow a busy run into one batch', async () => {
    let claims = 0;
    let pending = 0;
    const inner = await createOutboxClaim(dataSource, { mode: 'auto', leaseMs: 30_000 });
    const counted = {
      mode: inner.mode,
      claim: (limit: number, now: Date) => {
        claims++;
        pending++;
        return inner.claim(limit, now).finally(() => pending--);
      },
    };
    const coalesceMs = 2000; // long, so that the test does not depend on how fast the machine is
    await relay.stop();
    relay = new OutboxRelay(counted, transport, { batchSize: 10, pollMs: 60_000, maxAttempts: 3, coalesceMs });
    const signal = new OutboxSignal();
    relay.start(signal);
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await until(() => claims > 0 && pending === 0); // the run at start found nothing, and is over

    const first = await insert(dataSource, [{ customerId: '1', version: 1 }]);
    const before = claims;
    signal.wake();
    expect(claims).toBe(before + 1); // idle: the claim ran in the same tick as the wake-up
    await until(() => relay.counters.batches === 1 && pending === 0); // published, marked, and the run is over
    expect(delivered).toHaveLength(1);

    // Right after a run that published: five commits, five wake-ups, one run and one batch.
    const claimsAfterFirst = claims;
    const batchesAfterFirst = relay.counters.batches;
    const rest: string[] = [];
    for (let version = 2; version <= 6; version++) {
      rest.push(...(await insert(dataSource, [{ customerId: '1', version }])));
      signal.wake();
      expect(claims).toBe(claimsAfterFirst); // deferred, not run
    }
    await until(() => delivered.length === 6);
    expect(relay.counters.batches - batchesAfterFirst).toBe(1);
    expect(delivered.map((e) => e.messageId)).toEqual([...first, ...rest]);
  });

  describe('with more than one batch in flight', () => {
    /** The claim, counting claims and the batches claimed but not yet settled. */
    async function countingClaim() {
      const inner = await createOutboxClaim(dataSource, { mode: 'auto', leaseMs: 30_000 });
      const stats = { claims: 0, inFlight: 0, maxInFlight: 0 };
      const claim: OutboxClaim = {
        mode: inner.mode,
        async claim(limit, now) {
          stats.claims++;
          const batch = await inner.claim(limit, now);
          if (!batch) return null;
          stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
          return {
            messages: batch.messages,
            deferred: batch.deferred,
            settle: (results, at) => batch.settle(results, at).finally(() => stats.inFlight--),
          };
        },
      };
      return { claim, stats };
    }

    /** Delivers at once and confirms `confirmMs` later, as a broker does for persistent messages. */
    class SlowConfirms extends InMemoryTransport {
      constructor(private readonly confirmMs = 3) {
        super();
      }

      override async publish(message: OutboxMessage): Promise<void> {
        await super.publish(message);
        await new Promise((resolve) => setTimeout(resolve, this.confirmMs));
      }
    }

    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
    };

    it('claims the next batch while a full one awaits its confirms, and keeps every customer in order', async () => {
      await relay.stop();
      const slow = new SlowConfirms();
      const received: DeliveredEvent[] = [];
      slow.subscribe('customer.#', (event) => void received.push(event));
      const { claim, stats } = await countingClaim();
      relay = new OutboxRelay(claim, slow, { batchSize: 10, pollMs: 60_000, maxAttempts: 3, batchesInFlight: 3 });
      // 7 customers, interleaved, so that batches in flight together hold rows of the same customers.
      const rows = Array.from({ length: 140 }, (_, i) => ({
        customerId: String((i % 7) + 1),
        version: Math.floor(i / 7) + 1,
      }));
      const ids = await insert(dataSource, rows);

      relay.start();
      await until(() => received.length >= 140 && stats.inFlight === 0);

      expect(stats.maxInFlight).toBe(3);
      expect(received.map((e) => e.messageId).sort()).toEqual([...ids].sort());
      for (let customer = 1; customer <= 7; customer++) {
        const sequences = received
          .filter((e) => (e.event as { subject: string }).subject === String(customer))
          .map((e) => Number((e.event as { sequence: string }).sequence));
        expect(sequences).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      }
    });

    it('starts a lane at once for a commit that comes while a batch awaits its confirms', async () => {
      await relay.stop();
      const slow = new SlowConfirms(300);
      const deliveredAt = new Map<string, number>();
      slow.subscribe('customer.#', (event) => void deliveredAt.set(event.messageId, Date.now()));
      const { claim, stats } = await countingClaim();
      relay = new OutboxRelay(claim, slow, { batchSize: 10, pollMs: 60_000, maxAttempts: 3, batchesInFlight: 2 });
      const signal = new OutboxSignal();
      relay.start(signal);
      await until(() => stats.claims > 0 && stats.inFlight === 0);
      const [first] = await insert(dataSource, [{ customerId: '1', version: 1 }]);
      signal.wake();
      await until(() => deliveredAt.has(first)); // its batch now awaits the confirm for 300 ms
      const [second] = await insert(dataSource, [{ customerId: '2', version: 1 }]);
      const committedAt = Date.now();
      signal.wake();
      await until(() => deliveredAt.has(second));
      expect(deliveredAt.get(second)! - committedAt).toBeLessThan(150);
      expect(stats.maxInFlight).toBe(2);
      await until(() => stats.inFlight === 0);
    });

    it('runs one batch at a time when batches are not full: no extra claim per wake-up', async () => {
      await relay.stop();
      const { claim, stats } = await countingClaim();
      relay = new OutboxRelay(claim, transport, { batchSize: 10, pollMs: 60_000, maxAttempts: 3, batchesInFlight: 3 });
      const signal = new OutboxSignal();
      relay.start(signal);
      await until(() => stats.claims > 0 && relay.counters.batches === 0);
      await insert(dataSource, [
        { customerId: '1', version: 1 },
        { customerId: '2', version: 1 },
      ]);
      const before = stats.claims;
      signal.wake();
      await until(() => delivered.length === 2 && stats.inFlight === 0);
      expect(stats.claims - before).toBe(1);
      expect(stats.maxInFlight).toBe(1);
    });
  });

  it('dead-letters a row after the last attempt, holding its customer back until then', async () => {
    const [broken, next] = await insert(dataSource, [
      { customerId: '1', version: 1, type: 'not a customerflow type' },
      { customerId: '1', version: 2 },
    ]);
    const attempts = async () =>
      (await dataSource.query('SELECT attempts, dead_lettered_at FROM outbox_messages WHERE id = ?', [broken]))[0];

    expect(await relay.relayBatch()).toMatchObject({ failed: 1, published: 0 });
    expect(await attempts()).toMatchObject({ attempts: 1, dead_lettered_at: null });
    expect(await relay.relayBatch()).toMatchObject({ claimed: 1, deferred: 1, published: 0 });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await relay.relayBatch()).toMatchObject({ failed: 1 });
    await new Promise((resolve) => setTimeout(resolve, 110));
    expect(await relay.relayBatch()).toMatchObject({ failed: 1 });
    expect((await attempts()).dead_lettered_at).not.toBeNull();
    expect(await relay.relayBatch()).toMatchObject({ published: 1 });
    expect(delivered.map((e) => e.messageId)).toEqual([next]);
  });

  describe('with a row published as more than one message (an event in two versions)', () => {
    // Stands in for a contract's hook: the row as written, then a `.v2` of it, which routes to `v2.<key>`.
    const asV1AndV2: OutboxPublicationsOf = (type, payload) => [
      { type, payload },
      {
        type: type.replace(/\.v1$/, '.v2'),
        payload: payload.replace(/"sequence":"(\d+)"/, (_, n) => `"sequence":"v2-${n}"`),
      },
    ];
    const sequenceOf = (event: DeliveredEvent) => (event.event as { sequence: string }).sequence;
    let v2: DeliveredEvent[];
    let both: DeliveredEvent[];

    beforeEach(async () => {
      await relay.stop();
      relay = await relayWith(transport, 3, asV1AndV2);
      v2 = [];
      both = [];
      transport.subscribe('v2.customer.#', (event) => void v2.push(event));
      transport.subscribe('#', (event) => void both.push(event));
    });

    it('publishes each row as its messages in order, per customer in order, and marks it once', async () => {
      const ids = await insert(dataSource, [
        { customerId: '1', version: 1 },
        { customerId: '2', version: 1 },
        ...Array.from({ length: 11 }, (_, i) => ({ customerId: '1', version: i + 2 })),
      ]);

      while ((await relay.relayBatch()).claimed > 0);

      // A binding made for the row's own type sees exactly what it saw without the hook.
      expect(delivered.map((e) => e.messageId).sort()).toEqual([...ids].sort());
      expect(delivered.every((e) => e.type.endsWith('.v1') && e.routingKey.startsWith('customer.'))).toBe(true);
      expect(v2.map((e) => e.messageId).sort()).toEqual([...ids].sort());
      expect(v2[0]).toMatchObject({
        routingKey: 'v2.customer.registered',
        type: 'customerflow.customer.registered.v2',
      });
      const ofCustomer1 = (events: DeliveredEvent[]) =>
        events.filter((e) => (e.event as { subject?: string }).subject === '1');
      expect(ofCustomer1(v2).map(sequenceOf)).toEqual(Array.from({ length: 12 }, (_, i) => `v2-${i + 1}`));
      // On one subscription, each row's messages arrive together, in the hook's order, rows in commit order.
      expect(ofCustomer1(both).map((e) => [e.messageId, e.type.slice(-2)])).toEqual(
        ids
          .filter((_, i) => i !== 1)
          .flatMap((id) => [
            [id, 'v1'],
            [id, 'v2'],
          ]),
      );
      expect(relay.counters.published).toBe(13);
      const [counts] = await dataSource.query('SELECT COUNT(published_at) AS published FROM outbox_messages');
      expect(counts).toEqual({ published: 13 });
    });

    it('fails the row when one of its messages fails, after the ones before it, and holds its customer back', async () => {
      await relay.stop();
      relay = await relayWith(transport, 3, (type, payload) => [
        { type, payload },
        { type: 'not a customerflow type', payload },
      ]);
      const [first] = await insert(dataSource, [
        { customerId: '1', version: 1 },
        { customerId: '1', version: 2 },
      ]);

      expect(await relay.relayBatch()).toMatchObject({ published: 0, failed: 1 });
      expect(delivered.map((e) => e.messageId)).toEqual([first]); // sent, so the retry sends it again: at least once
      const rows = await dataSource.query('SELECT attempts, published_at FROM outbox_messages ORDER BY position');
      expect(rows).toEqual([
        { attempts: 1, published_at: null },
        { attempts: 0, published_at: null },
      ]);
    });

    it('fails the row when the hook throws, like a message the transport refused', async () => {
      await relay.stop();
      relay = await relayWith(transport, 3, () => {
        throw new Error('no second version of this body');
      });
      await insert(dataSource, [{ customerId: '1', version: 1 }]);

      expect(await relay.relayBatch()).toMatchObject({ published: 0, failed: 1 });
      expect(both).toEqual([]);
      const [row] = await dataSource.query('SELECT attempts, last_error FROM outbox_messages');
      expect(row).toEqual({ attempts: 1, last_error: 'no second version of this body' });
    });
  });

  it('never publishes a row of a unit of work that has not committed on the shared SQLite connection', async () => {
    const unitOfWork = new UnitOfWork(dataSource, new DatabaseResilience());
    let inserted!: () => void;
    let rollBack!: () => void;
    const rowInserted = new Promise<void>((resolve) => (inserted = resolve));
    const rolledBack = unitOfWork.run(async () => {
      await insert(unitOfWork.manager, [{ customerId: '1', version: 1 }]);
      inserted();
      await new Promise<void>((resolve) => (rollBack = resolve));
      throw new Error('the unit of work fails, so its row is rolled back');
    });
    await rowInserted;

    const batch = relay.relayBatch();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(delivered).toEqual([]);
    rollBack();
    await rolledBack.catch(() => undefined);

    expect(await batch).toMatchObject({ claimed: 0 });
    expect(delivered).toEqual([]);
    const [{ count }] = await dataSource.query('SELECT COUNT(*) AS count FROM outbox_messages');
    expect(count).toBe(0);
  });

  it('spends no attempts while the transport is unavailable, and delivers once it is back', async () => {
    const flaky = new FlakyTransport();
    const seen: string[] = [];
    flaky.subscribe('#', (event) => {
      seen.push(event.messageId);
    });
    await relay.stop();
    relay = await relayWith(flaky);
    const ids = await insert(dataSource, [
      { customerId: '1', version: 1 },
      { customerId: '2', version: 1 },
    ]);

    const report = await relay.relayBatch();
    expect(report.unavailable).toBeInstanceOf(TransportUnavailableError);
    expect(report).toMatchObject({ published: 0, failed: 0 });
    const [state] = await dataSource.query(
      'SELECT SUM(attempts) AS attempts, COUNT(lease_owner) AS leased FROM outbox_messages',
    );
    expect(state).toEqual({ attempts: 0, leased: 0 });

    flaky.down = false;
    expect(await relay.relayBatch()).toMatchObject({ published: 2 });
    expect(seen.sort()).toEqual([...ids].sort());
  });
});
