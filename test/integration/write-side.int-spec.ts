/**
 * The write side's guarantees under concurrency and failure, against the real MariaDB: one transaction per
 * command, races decided by the database (unique indexes, the version in the UPDATE, the idempotency claim),
 * and hilo ids that never collide across processes.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InTransactionEventBus } from '../../libs/platform/src';
import { aRegistration } from '../support/customer-bodies';
import { cleanDatabase } from '../support/database-cleaner';
import { startTestApp, type TestApp } from '../support/test-app';

const run = promisify(execFile);

async function count(t: TestApp, table: string, where = '1 = 1', params: unknown[] = []): Promise<number> {
  const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, params);
  return Number(n);
}

describe('write side on MariaDB', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('rolls back the customer, its addresses, its outbox row and its idempotency key when the command fails after the insert', async () => {
    // The in-transaction event handlers run after the customer and outbox inserts: fail there.
    const spy = jest
      .spyOn(t.app.get(InTransactionEventBus), 'dispatch')
      .mockRejectedValueOnce(new Error('simulated failure after insert'));
    const body = aRegistration();
    const response = await t.http().post('/v1/customers').set('Idempotency-Key', 'rollback-key').send(body);
    spy.mockRestore();
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toMatch(/problem\+json/);
    expect(await count(t, 'customers', 'email = ?', [body.email])).toBe(0);
    expect(await count(t, 'customer_addresses')).toBe(0);
    expect(await count(t, 'outbox_messages')).toBe(0);
    expect(await count(t, 'idempotency_keys')).toBe(0);
    // and the same request then succeeds, with the same key
    expect((await t.http().post('/v1/customers').set('Idempotency-Key', 'rollback-key').send(body)).status).toBe(201);
  });

  it('gives exactly one 201 and nineteen 409 to 20 parallel registrations of one email', async () => {
    const email = `race.${Date.now()}@example.com`;
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => t.http().post('/v1/customers').send(aRegistration({ email }))),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array(19).fill(409)]);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.type === '/problems/email-taken')).toBe(true);
    expect(await count(t, 'customers', 'email = ?', [email])).toBe(1);
    const [{ id }] = await t.dataSource.query('SELECT id FROM customers WHERE email = ?', [email]);
    expect(await count(t, 'outbox_messages', 'aggregateid = ?', [id])).toBe(1);
  });

  it('gives exactly one 200 and nine 412 to 10 parallel PATCHes with one ETag', async () => {
    const { body: customer } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        t
          .http()
          .patch(`/v1/customers/${customer.id}`)
          .set('If-Match', '"1"')
          .send({ name: `Writer ${i}` }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array(9).fill(412)]);
    const winner = responses.find((r) => r.status === 200)!;
    const [row] = await t.dataSource.query('SELECT name, version FROM customers WHERE id = ?', [customer.id]);
    expect({ name: row.name, version: Number(row.version) }).toEqual({ name: winner.body.name, version: 2 });
    expect(await count(t, 'outbox_messages', 'aggregateid = ?', [customer.id])).toBe(2);
  });

  it('creates exactly one customer for 10 parallel POSTs with one Idempotency-Key', async () => {
    const body = aRegistration();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        t.http().post('/v1/customers').set('Idempotency-Key', 'parallel-key').send(body),
      ),
    );
    for (const r of responses) expect([201, 409]).toContain(r.status);
    const created = responses.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
    expect(
      responses.filter((r) => r.status === 409).every((r) => r.body.type === '/problems/idempotency-key-in-flight'),
    ).toBe(true);
    expect(await count(t, 'customers', 'email = ?', [body.email])).toBe(1);
    expect(await count(t, 'outbox_messages', 'aggregateid = ?', [created[0].body.id])).toBe(1);
  });
});

describe('hilo ids on MariaDB', () => {
  it('never hands out an id twice across two processes (10,000 ids) and starts above the current maximum id', async () => {
    const t = await startTestApp({ ID_STRATEGY: 'hilo', HILO_BLOCK_SIZE: '50' });
    try {
      // An existing auto-increment customer: the first block must start above it.
      await t.dataSource.query(
        "INSERT INTO customers (id, name, email, status, version, created_at, updated_at) VALUES (5000, 'Legacy', 'legacy@example.com', 'active', 1, NOW(3), NOW(3))",
      );
      const script = join(__dirname, '..', 'support', 'hilo-allocate.js');
      const [a, b] = await Promise.all([
        run('node', [script, '5000', '50'], { env: process.env }),
        run('node', [script, '5000', '50'], { env: process.env }),
      ]);
      const ids = [...JSON.parse(a.stdout), ...JSON.parse(b.stdout)].map(Number);
      expect(ids).toHaveLength(10_000);
      expect(new Set(ids).size).toBe(10_000);
      expect(Math.min(...ids)).toBeGreaterThan(5000);
    } finally {
      await t.close();
    }
  }, 60_000);

  it('registers with an id known before the insert, above ids already in the table', async () => {
    const t = await startTestApp({ ID_STRATEGY: 'hilo', HILO_BLOCK_SIZE: '10' });
    try {
      await cleanDatabase(t.dataSource);
      await t.dataSource.query(
        "INSERT INTO customers (id, name, email, status, version, created_at, updated_at) VALUES (700, 'Legacy', 'legacy@example.com', 'active', 1, NOW(3), NOW(3))",
      );
      const ids: number[] = [];
      for (let i = 0; i < 12; i++)
        ids.push(Number((await t.http().post('/v1/customers').send(aRegistration()).expect(201)).body.id));
      expect(ids[0]).toBe(701);
      expect(new Set(ids).size).toBe(12);
      expect([...ids].sort((x, y) => x - y)).toEqual(ids);
      const [{ next_value }] = await t.dataSource.query(
        "SELECT next_value FROM hilo_sequences WHERE name = 'customers'",
      );
      expect(Number(next_value)).toBe(721); // two blocks of 10 reserved: [701, 711) and [711, 721)
    } finally {
      await t.close();
    }
  });
});
