/**
 * The raw floor's MySQL pool, set up the way the service's TypeORM data source is (mysql2, same pool size, UTC,
 * BIGINT as strings, DATE as text, READ COMMITTED set once per connection).
 */
import { createPool, type Pool } from 'mysql2/promise';

export function createRawPool(url: string, size: number): Pool {
  const pool = createPool({
    uri: url,
    connectionLimit: size,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: ['DATE'],
    enableKeepAlive: true,
    connectTimeout: 5000,
  });
  // The 'connection' event hands over the callback-style connection; its first query runs before any borrower's.
  pool.pool.on('connection', (connection) => {
    connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
  });
  return pool;
}
