/**
 * Erasure removes the customer's personal data from every table CustomerFlow owns, on SQLite (`npm test`, where the
 * raw database file is searched too) and on MariaDB + RabbitMQ (`npm run test:integration`).
 *
 * The customer's history is built to hit every place the data lives: a published registration and an Idempotency-Key
 * whose stored response holds the customer, a dead-lettered update, an update still owed to subscribers when the
 * customer is erased. Then every row of every table (found from the catalogue, not a hand-kept list) is searched for
 * each personal value, the owed event must still reach subscribers as it was written, and the dead letter, requeued
 * after the erasure, must reach them without the data: as `.v1` and as the `.v2` the relay derives from the same
 * (scrubbed) body.
 */
import { randomInt } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { customerEventPublications, paddedSequence } from '@customerflow/contracts';
import { createCustomerEventValidator } from '@customerflow/contracts/testing';
import {
  createOutboxClaim,
  InMemoryTransport,
  OutboxRelay,
  OutboxTransport,
  type RabbitMqTransport,
} from '../../libs/outbox/src';
import { AmqpTestQueue } from '../support/amqp-test-queue';
import { aValidCpf } from '../support/customer-bodies';
import { isIntegration, startTestApp, type TestApp } from '../support/test-app';

const unique = `${Date.now().toString(36)}${randomInt(1e6)}`;
const person = {
  name: `Zuleica Quintanilha ${unique}`,
  email: `zq.${unique}@example.org`,
  phone: `+55219${String(randomInt(1e8)).padStart(8, '0')}`,
  document: { type: 'CPF', number: aValidCpf() },
  birthDate: `19${10 + randomInt(80)}-0${1 + randomInt(9)}-1${randomInt(10)}`,
  addresses: [
    {
      street: `Rua Ximbó ${unique}`,
      number: '77',
      complement: `Bloco ${unique}`,
      district: `Vila ${unique}`,
      city: 'Niterói',
      state: 'RJ',
      postalCode: String(10_000_000 + randomInt(89_999_999)),
      country: 'BR',
    },
  ],
};
const later = { phone: `+55219${String(randomInt(1e8)).padStart(8, '0')}`, name: `Zuleica Prado ${unique}` };

/** Every personal value this customer ever had, as it is stored (email lower case, document digits). */
const personalValues = [
  person.name,
  person.email,
  person.phone,
  person.document.number,
  person.birthDate,
  person.addresses[0].street,
  person.addresses[0].complement,
  person.addresses[0].district,
  person.addresses[0].postalCode,
  later.phone,
  later.name,
];

let t: TestApp;
let relay: OutboxRelay;
const delivered: string[] = [];
const deliveredV2: string[] = [];
let queue: AmqpTestQueue | null = null;
let queueV2: AmqpTestQueue | null = null;

beforeAll(async () => {
  t = await startTestApp();
  const transport = t.app.get(OutboxTransport);
  if (isIntegration) {
    await (transport as RabbitMqTransport).check(); // declares the exchange the queue binds to
    queue = await AmqpTestQueue.bound(process.env.AMQP_URL!, t.config.amqpExchange, 'customer.#');
    queueV2 = await AmqpTestQueue.bound(process.env.AMQP_URL!, t.config.amqpExchange, 'v2.customer.#');
  } else {
    t.app.get(InMemoryTransport).subscribe('customer.#', (event) => void delivered.push(event.body));
    t.app.get(InMemoryTransport).subscribe('v2.customer.#', (event) => void deliveredV2.push(event.body));
  }
  const claim = await createOutboxClaim(t.dataSource, { mode: t.config.outbox.claim, leaseMs: 30_000 });
  relay = new OutboxRelay(claim, transport, {
    batchSize: 100,
    pollMs: 60_000,
    maxAttempts: 20,
    publicationsOf: customerEventPublications(t.config.eventsPublished),
  });
});
afterAll(async () => {
  await queue?.close();
  await queueV2?.close();
  await t.close();
});

async function drainOutbox(): Promise<void> {
  for (;;) {
    const report = await relay.relayBatch();
    if (report.claimed === 0) return;
  }
}

/** Bodies delivered to subscribers of `version` about this customer, in arrival order. */
async function deliveriesFor(
  customerId: string,
  atLeast: number,
  version: 'v1' | 'v2' = 'v1',
): Promise<Array<Record<string, any>>> {
  const [amqp, inMemory] = version === 'v1' ? [queue, delivered] : [queueV2, deliveredV2];
  const bodies = async () => {
    const all = amqp ? (await amqp.settle(), amqp.received.map((m) => m.body)) : inMemory;
    return all.map((b) => JSON.parse(b) as Record<string, any>).filter((e) => e.subject === customerId);
  };
  for (let i = 0; i < 100 && (await bodies()).length < atLeast; i++) await new Promise((r) => setTimeout(r, 50));
  return bodies();
}

async function tables(): Promise<string[]> {
  const rows =
    t.config.database.kind === 'sqlite'
      ? await t.dataSource.query<Array<{ name: string }>>(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
      : (await t.dataSource.query<Array<Record<string, string>>>('SHOW TABLES')).map((r) => ({
          name: Object.values(r)[0],
        }));
  return rows.map((r) => r.name);
}

/** "table: value" for every personal value found in any column of any row of any table. */
async function personalDataInTables(): Promise<string[]> {
  const hits: string[] = [];
  for (const table of await tables()) {
    const rows = await t.dataSource.query<unknown[]>(`SELECT * FROM ${table}`);
    const text = JSON.stringify(rows).toLowerCase();
    for (const value of personalValues) if (text.includes(value.toLowerCase())) hits.push(`${table}: ${value}`);
  }
  return hits;
}

function personalDataInSqliteFiles(): string[] {
  if (t.config.database.kind !== 'sqlite') return [];
  const file = t.config.database.file;
  return [file, `${file}-wal`]
    .filter((f) => existsSync(f))
    .flatMap((f) => {
      const bytes = readFileSync(f);
      return personalValues.filter((v) => bytes.includes(Buffer.from(v, 'utf8'))).map((v) => `${f}: ${v}`);
    });
}

it('leaves none of the personal data in any table (nor the SQLite file), and delivers what was owed', async () => {
  // A published registration whose response is stored under an Idempotency-Key.
  const created = await t.http().post('/v1/customers').set('Idempotency-Key', `erasure-${unique}`).send(person);
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  await drainOutbox();

  // An update that becomes a dead letter (as after OUTBOX_MAX_ATTEMPTS failed publishes).
  await t
    .http()
    .patch(`/v1/customers/${id}`)
    .set('If-Match', '"1"')
    .set('Content-Type', 'application/merge-patch+json')
    .send(JSON.stringify({ phone: later.phone }))
    .expect(200);
  await t.dataSource.query(
    "UPDATE outbox_messages SET dead_lettered_at = occurred_at, attempts = 20, last_error = 'nack' WHERE aggregateid = ? AND type LIKE '%.updated.v1'",
    [id],
  );
  // An update still owed to subscribers when the erasure commits.
  await t
    .http()
    .patch(`/v1/customers/${id}`)
    .set('If-Match', '"2"')
    .set('Content-Type', 'application/merge-patch+json')
    .send(JSON.stringify({ name: later.name }))
    .expect(200);

  await t.http().delete(`/v1/customers/${id}`).expect(204);

  // Only the owed update still holds data (it goes out as written); everything else is clean already.
  const before = await personalDataInTables();
  expect(before.every((hit) => hit.startsWith('outbox_messages: '))).toBe(true);
  expect(before).toContain(`outbox_messages: ${later.name}`);

  await drainOutbox();

  expect(await personalDataInTables()).toEqual([]);
  expect(personalDataInSqliteFiles()).toEqual([]);

  // Subscribers got the owed update as written, then the erasure, in order.
  const events = await deliveriesFor(id, 3);
  expect(events.map((e) => [e.type, e.sequence])).toEqual([
    ['customerflow.customer.registered.v1', '1'],
    ['customerflow.customer.updated.v1', '3'],
    ['customerflow.customer.erased.v1', '4'],
  ]);
  expect(events[1].data.changes).toEqual({ name: later.name });
  const v2Events = await deliveriesFor(id, 3, 'v2');
  expect(v2Events).toEqual(
    events.map((e) => ({ ...e, type: e.type.replace(/\.v1$/, '.v2'), sequence: paddedSequence(e.sequence) })),
  );

  // The dead letter, requeued after the erasure, is published without the data and still matches its schema.
  const deadLetters = await t.http().get('/v1/admin/outbox/dead-letters').expect(200);
  const deadLetter = (deadLetters.body.items as Array<{ id: string; aggregateId: string }>).find(
    (d) => d.aggregateId === id,
  )!;
  await t.http().post(`/v1/admin/outbox/dead-letters/${deadLetter.id}/requeue`).expect(204);
  await drainOutbox();
  const requeued = (await deliveriesFor(id, 4)).find((e) => e.id === deadLetter.id)!;
  expect(requeued).toMatchObject({ type: 'customerflow.customer.updated.v1', sequence: '2' });
  expect(JSON.stringify(requeued)).not.toContain(later.phone);
  expect(requeued.data.changes).toEqual({ phone: null });
  expect(createCustomerEventValidator()(requeued)).toMatchObject({ valid: true });
  const requeuedV2 = (await deliveriesFor(id, 4, 'v2')).find((e) => e.id === deadLetter.id)!;
  expect(requeuedV2).toEqual({ ...requeued, type: 'customerflow.customer.updated.v2', sequence: paddedSequence(2) });
  expect(createCustomerEventValidator()(requeuedV2)).toMatchObject({ valid: true });
  expect(await personalDataInTables()).toEqual([]);

  // The stored idempotent response is gone too: a replay says the customer was erased.
  const replay = await t.http().post('/v1/customers').set('Idempotency-Key', `erasure-${unique}`).send(person);
  expect(replay.status).toBe(410);
});

it('runs SQLite with secure_delete, so freed pages are zeroed', async () => {
  if (t.config.database.kind !== 'sqlite') return;
  const [row] = await t.dataSource.query<Array<{ secure_delete: number }>>('PRAGMA secure_delete');
  expect(row.secure_delete).toBe(1);
});
