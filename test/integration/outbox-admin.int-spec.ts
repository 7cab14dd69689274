/**
 * The operators' side of the outbox over HTTP (stats, dead letters, requeue, all errors as problem+json), the
 * retention sweep, and the relay as the API runs it: inside the Nest application, woken by commits.
 */
import { type INestApplication, Logger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { AdminModule } from '../../apps/customerflow-api/src/admin/admin.module';
import { OutboxModule, OutboxRelayHost, OutboxRetention, OutboxSignal, OutboxTransport } from '../../libs/outbox/src';
import { AppConfig, ConfigModule, DatabaseModule, fromDb, ProblemDetailsFilter, toDb } from '../../libs/platform/src';
import { AmqpTestQueue, deleteTestTopology, uniqueName } from '../support/amqp-test-queue';
import { emptyOutbox, openOutboxTestDatabase, outboxCounts, outboxTestDatabaseUrl } from '../support/relay-database';
import { analyseDeliveries, insertOutboxRows } from '../support/relay-fixtures';
import { inProcessRelay } from '../support/relay-in-process';

// The relay logs every batch at debug level; keep the suite's output to what a reader needs.
Logger.overrideLogger(['fatal', 'error', 'warn', 'log']);

const AMQP_URL = process.env.AMQP_URL!;
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000);

async function createApp(env: Record<string, string>): Promise<INestApplication> {
  const config = AppConfig.fromEnv({ DATABASE_URL: outboxTestDatabaseUrl(), AMQP_URL, ...env });
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config), DatabaseModule.forRoot({ entities: [] }), OutboxModule, AdminModule],
  }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: ['error'] });
  app.useGlobalFilters(new ProblemDetailsFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready(); // Fastify serves routes once ready
  return app;
}

describe('outbox admin endpoints', () => {
  let dataSource: DataSource;
  let app: INestApplication;
  const exchange = uniqueName('customerflow.events.it');

  beforeAll(async () => {
    dataSource = await openOutboxTestDatabase();
    app = await createApp({ AMQP_EXCHANGE: exchange, OUTBOX_RELAY: 'off' });
  });

  beforeEach(async () => {
    await emptyOutbox(dataSource);
  });

  afterAll(async () => {
    await app.close();
    await deleteTestTopology(AMQP_URL, exchange).catch(() => undefined);
    await dataSource.destroy();
  });

  it("reports pending, in-flight and dead-lettered rows, the oldest pending age and the last minute's publishes", async () => {
    await insertOutboxRows(dataSource, [
      { customerId: '1', version: 1, occurredAt: minutesAgo(5) },
      { customerId: '2', version: 1, occurredAt: minutesAgo(1) },
      { customerId: '3', version: 1 },
      { customerId: '4', version: 1, deadLetteredAt: minutesAgo(2), attempts: 20, lastError: 'nacked' },
      { customerId: '5', version: 1, deadLetteredAt: minutesAgo(1), attempts: 20, lastError: 'nacked' },
      ...[6, 7, 8, 9].map((c) => ({
        customerId: String(c),
        version: 1,
        occurredAt: minutesAgo(1),
        publishedAt: new Date(Date.now() - 10_000),
      })),
      { customerId: '10', version: 1, occurredAt: minutesAgo(9), publishedAt: minutesAgo(2) },
    ]);
    // A live lease on customer 3's row: a relay is publishing it right now.
    await dataSource.query(
      "UPDATE outbox_messages SET lease_owner = 'relay-a/1', lease_until = ? WHERE aggregateid = '3'",
      [toDb(new Date(Date.now() + 30_000))],
    );

    const response = await request(app.getHttpServer()).get('/v1/admin/outbox/stats').expect(200);

    expect(response.body).toEqual({
      pending: 2,
      inFlight: 1,
      deadLetters: 2,
      publishedLastMinute: 4,
      oldestPendingAgeMs: expect.any(Number),
    });
    expect(response.body.oldestPendingAgeMs).toBeGreaterThanOrEqual(5 * 60_000);
    expect(response.body.oldestPendingAgeMs).toBeLessThan(5 * 60_000 + 30_000);
  });

  it('reports an empty outbox as all zeros', async () => {
    const response = await request(app.getHttpServer()).get('/v1/admin/outbox/stats').expect(200);
    expect(response.body).toEqual({
      pending: 0,
      inFlight: 0,
      deadLetters: 0,
      oldestPendingAgeMs: 0,
      publishedLastMinute: 0,
    });
  });

  it('lists dead letters in commit order, limited on request', async () => {
    const deadAt = minutesAgo(3);
    const [, first, second] = await insertOutboxRows(dataSource, [
      { customerId: '1', version: 1 },
      {
        customerId: '2',
        version: 1,
        occurredAt: minutesAgo(10),
        deadLetteredAt: deadAt,
        attempts: 20,
        lastError: 'the broker nacked the message',
      },
      {
        customerId: '3',
        version: 2,
        occurredAt: minutesAgo(9),
        deadLetteredAt: deadAt,
        attempts: 20,
        lastError: 'unroutable',
      },
    ]);

    const all = await request(app.getHttpServer()).get('/v1/admin/outbox/dead-letters').expect(200);
    expect(all.body.items).toEqual([
      {
        id: first.id,
        type: 'customerflow.customer.registered.v1',
        aggregateId: '2',
        attempts: 20,
        lastError: 'the broker nacked the message',
        occurredAt: expect.any(String),
        deadLetteredAt: deadAt.toISOString(),
      },
      expect.objectContaining({
        id: second.id,
        type: 'customerflow.customer.updated.v1',
        aggregateId: '3',
        lastError: 'unroutable',
      }),
    ]);
    const limited = await request(app.getHttpServer()).get('/v1/admin/outbox/dead-letters?limit=1').expect(200);
    expect(limited.body.items.map((item: { id: string }) => item.id)).toEqual([first.id]);
  });

  it.each(['0', '501', 'abc', '1.5', '-1', ''])('rejects limit=%s with a problem+json 400', async (limit) => {
    const response = await request(app.getHttpServer()).get(`/v1/admin/outbox/dead-letters?limit=${limit}`).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      status: 400,
      type: '/problems/invalid-request',
      detail: expect.stringMatching(/^limit must be a whole number from 1 to 500/),
    });
  });

  it('requeues a dead letter with fresh attempts, and the relay then publishes it', async () => {
    const [deadLetter] = await insertOutboxRows(dataSource, [
      {
        customerId: '1',
        version: 1,
        deadLetteredAt: minutesAgo(1),
        attempts: 20,
        lastError: 'the broker nacked the message',
      },
    ]);

    await request(app.getHttpServer()).post(`/v1/admin/outbox/dead-letters/${deadLetter.id}/requeue`).expect(204);

    const [row] = await dataSource.query(
      'SELECT attempts, available_at, dead_lettered_at, published_at FROM outbox_messages WHERE id = ?',
      [deadLetter.id],
    );
    expect(row).toMatchObject({ attempts: 0, dead_lettered_at: null, published_at: null });
    expect(fromDb(row.available_at).getTime()).toBeLessThanOrEqual(Date.now());
    const stats = await request(app.getHttpServer()).get('/v1/admin/outbox/stats').expect(200);
    expect(stats.body).toMatchObject({ pending: 1, deadLetters: 0 });

    const harness = await inProcessRelay(dataSource, { exchange, claim: 'skip-locked' });
    try {
      expect(await harness.relay.relayBatch()).toMatchObject({ published: 1 });
    } finally {
      await harness.close();
    }
    const conflict = await request(app.getHttpServer())
      .post(`/v1/admin/outbox/dead-letters/${deadLetter.id}/requeue`)
      .expect(409);
    expect(conflict.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(conflict.body).toMatchObject({ status: 409, type: '/problems/not-dead-lettered' });
  });

  it('answers 404 for an unknown event id and 400 for a malformed one, as problem+json', async () => {
    const missing = await request(app.getHttpServer())
      .post(`/v1/admin/outbox/dead-letters/${UNKNOWN_ID}/requeue`)
      .expect(404);
    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(missing.body).toMatchObject({
      status: 404,
      type: '/problems/not-found',
      detail: `No outbox event has id ${UNKNOWN_ID}.`,
    });
    const malformed = await request(app.getHttpServer())
      .post('/v1/admin/outbox/dead-letters/not-a-uuid/requeue')
      .expect(400);
    expect(malformed.body).toMatchObject({ status: 400, detail: expect.stringMatching(/must be a UUID/) });
  });

  it('retention deletes published rows past the window, in batches, and nothing else', async () => {
    const rows = await insertOutboxRows(dataSource, [
      ...[1, 2, 3, 4, 5].map((c) => ({
        customerId: String(c),
        version: 1,
        occurredAt: hoursAgo(200),
        publishedAt: hoursAgo(199),
      })),
      { customerId: '6', version: 1, occurredAt: hoursAgo(100), publishedAt: hoursAgo(100) },
      { customerId: '7', version: 1, occurredAt: hoursAgo(300) },
      { customerId: '8', version: 1, occurredAt: hoursAgo(300), deadLetteredAt: hoursAgo(299), attempts: 20 },
    ]);

    const deleted = await new OutboxRetention(dataSource, 168).purge(new Date(), 2);

    expect(deleted).toBe(5);
    const left = await dataSource.query('SELECT id FROM outbox_messages ORDER BY position');
    expect(left.map((row: { id: string }) => row.id)).toEqual(rows.slice(5).map((row) => row.id));
    expect(await new OutboxRetention(dataSource, 168).purge()).toBe(0);
  });
});

describe('the relay inside the API process (OUTBOX_RELAY=inprocess)', () => {
  it('starts with the application, publishes right after a commit wakes it, and stops with it', async () => {
    const dataSource = await openOutboxTestDatabase();
    await emptyOutbox(dataSource);
    const exchange = uniqueName('customerflow.events.it');
    // A long poll: only the wake-up can explain a prompt delivery.
    const app = await createApp({ AMQP_EXCHANGE: exchange, OUTBOX_RELAY: 'inprocess', OUTBOX_POLL_MS: '60000' });
    let queue: AmqpTestQueue | undefined;
    try {
      await app.get(OutboxTransport).check(); // declares the exchange the test queue binds to
      queue = await AmqpTestQueue.bound(AMQP_URL, exchange, 'customer.#');
      expect(app.get(OutboxRelayHost).runningRelay?.claimMode).toBe('skip-locked');
      await new Promise((resolve) => setTimeout(resolve, 200)); // the start-up run has found nothing
      const rows = await insertOutboxRows(
        dataSource,
        [1, 2, 3].map((version) => ({ customerId: '9', version })),
      );
      const committedAt = Date.now();
      app.get(OutboxSignal).wake();

      await queue.waitFor(3, 5000);
      expect(Date.now() - committedAt).toBeLessThan(2000);
      expect(
        analyseDeliveries(
          queue.received.map((m) => m.body),
          rows,
        ),
      ).toEqual({ lost: [], duplicates: 0, outOfOrder: [], unexpected: 0 });
      // The marks commit right after the acks, so a consumer can be a moment ahead of them.
      await queue.settle(200);
      expect(await outboxCounts(dataSource)).toMatchObject({ total: 3, published: 3 });
    } finally {
      await app.close();
      await queue?.delete().catch(() => undefined);
      await deleteTestTopology(AMQP_URL, exchange).catch(() => undefined);
      await dataSource.destroy();
    }
  });
});
