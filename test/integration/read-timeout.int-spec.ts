/**
 * The read side's timeout and circuit breaker on a real server: a read is bounded by mysql2's own query timeout
 * (ReadDatabase), which fails it as "database unavailable" (a 503 for the client) and drops its connection, and the
 * breaker opens after consecutive timeouts and closes again on a trial read.
 */
import { BrokenCircuitError } from 'cockatiel';
import { DataSource } from 'typeorm';
import {
  DatabaseResilience,
  dataSourceOptions,
  isDatabaseUnavailable,
  parseDatabaseUrl,
  ReadDatabase,
} from '../../libs/platform/src';

let dataSource: DataSource;

beforeAll(async () => {
  dataSource = new DataSource(dataSourceOptions(parseDatabaseUrl('DATABASE_URL', process.env.DATABASE_URL!)));
  await dataSource.initialize();
});

afterAll(async () => {
  await dataSource?.destroy();
});

/** Column `v` of each row as a number: MySQL types an integer literal BIGINT, which the driver hands back as text. */
async function values(read: ReadDatabase, sql: string, parameters: unknown[] = []): Promise<number[]> {
  return (await read.query<{ v: unknown }>(sql, parameters)).map((row) => Number(row.v));
}

it('a read that outlives the timeout fails as unavailable within it, the breaker opens and closes again', async () => {
  const read = new ReadDatabase(
    dataSource,
    new DatabaseResilience({ timeoutMs: 300, failuresToOpen: 2, halfOpenAfterMs: 500 }),
  );
  for (let i = 0; i < 2; i++) {
    const started = Date.now();
    const error = await read.query('SELECT SLEEP(3) AS slept').catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(isDatabaseUnavailable(error)).toBe(true);
  }
  // Open: fails at once, without a statement.
  await expect(read.query('SELECT 1 AS v')).rejects.toBeInstanceOf(BrokenCircuitError);
  await new Promise((resolve) => setTimeout(resolve, 600));
  // Half open: the trial read succeeds on a connection of its own (the timed-out ones were dropped) and closes it.
  expect(await values(read, 'SELECT 1 AS v')).toEqual([1]);
  expect(await values(read, 'SELECT ? AS v', [2])).toEqual([2]);
});

it('a read within the timeout is answered, and a failing statement is its own error, not an outage', async () => {
  const read = new ReadDatabase(
    dataSource,
    new DatabaseResilience({ timeoutMs: 2000, failuresToOpen: 1, halfOpenAfterMs: 60_000 }),
  );
  expect(await values(read, 'SELECT SLEEP(0.2) AS v')).toEqual([0]); // 0: slept the whole time
  const error = await read.query('SELECT * FROM no_such_table_here').catch((e: unknown) => e);
  expect(isDatabaseUnavailable(error)).toBe(false);
  expect(await values(read, 'SELECT 1 AS v')).toEqual([1]); // the breaker is still closed
});
