/** ID_STRATEGY=hilo end to end: ids come from blocks reserved in hilo_sequences, above the ids already present. */
import { aRegistration } from '../support/customer-bodies';
import { cleanDatabase } from '../support/database-cleaner';
import { startTestApp, type TestApp } from '../support/test-app';

describe('hilo ids', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ID_STRATEGY: 'hilo', HILO_BLOCK_SIZE: '3' });
    await cleanDatabase(t.dataSource);
  });
  afterAll(() => t.close());

  it('hands out consecutive ids from blocks seeded above the current maximum id', async () => {
    await t.dataSource.query(
      "INSERT INTO customers (id, name, email, status, version, created_at, updated_at) VALUES (41, 'Legacy', 'legacy@example.com', 'active', 1, '2020-01-01 00:00:00.000', '2020-01-01 00:00:00.000')",
    );
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await t.http().post('/v1/customers').send(aRegistration()).expect(201)).body.id);
    expect(ids).toEqual(['42', '43', '44', '45', '46', '47', '48']);
    const [{ next_value }] = await t.dataSource.query("SELECT next_value FROM hilo_sequences WHERE name = 'customers'");
    expect(Number(next_value)).toBe(51); // three blocks of 3: [42,45) [45,48) [48,51)
    const events = await t.dataSource.query('SELECT aggregateid FROM outbox_messages ORDER BY position');
    expect(events.map((e: { aggregateid: string }) => e.aggregateid)).toEqual(ids);
  });
});
