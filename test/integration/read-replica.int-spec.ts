/**
 * Queries go to DATABASE_READ_URL. Here the "replica" is a second, empty database that never catches up — the
 * extreme of replica lag: writes land on the primary, while GET and list answer from the replica. This is what a
 * client sees for as long as a real replica lags (docs/read-side.md).
 */
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { dataSourceOptions, parseDatabaseUrl } from '../../libs/platform/src';
import { aRegistration } from '../support/customer-bodies';
import { startTestApp, type TestApp } from '../support/test-app';

const primaryUrl = process.env.DATABASE_URL!;
const replicaUrl = (() => {
  const url = new URL(primaryUrl);
  url.pathname = `${url.pathname}_replica`;
  return url.toString();
})();

describe('DATABASE_READ_URL', () => {
  let t: TestApp;

  beforeAll(async () => {
    const url = new URL(replicaUrl);
    const admin = await createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    });
    await admin.query(`DROP DATABASE IF EXISTS \`${url.pathname.slice(1)}\``);
    await admin.query(`CREATE DATABASE \`${url.pathname.slice(1)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const replica = new DataSource(dataSourceOptions(parseDatabaseUrl('DATABASE_READ_URL', replicaUrl)));
    await replica.initialize();
    await replica.runMigrations();
    await replica.destroy();
    t = await startTestApp({ DATABASE_READ_URL: replicaUrl });
  });

  afterAll(async () => {
    await t.close();
    const url = new URL(replicaUrl);
    const admin = await createConnection({
      host: url.hostname,
      port: Number(url.port || 3306),
      user: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    });
    await admin.query(`DROP DATABASE IF EXISTS \`${url.pathname.slice(1)}\``);
    await admin.end();
  });

  it('sends writes to the primary and queries to the read connection', async () => {
    const { body: customer } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
    const [row] = await t.dataSource.query('SELECT id FROM customers WHERE id = ?', [customer.id]);
    expect(String(row.id)).toBe(customer.id); // on the primary
    // The replica has not caught up (it never will here): reads do not see the new customer yet.
    expect((await t.http().get(`/v1/customers/${customer.id}`)).status).toBe(404);
    expect((await t.http().get('/v1/customers')).body.items).toEqual([]);
    // Commands read through the primary, so a change right after the registration still works.
    expect(
      (await t.http().patch(`/v1/customers/${customer.id}`).set('If-Match', '"1"').send({ name: 'Ana Lima' })).status,
    ).toBe(200);
  });
});
