/**
 * What the allocator and the `ids:*` commands need to know about, and do to, a MySQL/MariaDB table's
 * AUTO_INCREMENT counter. Plain SQL on a query runner the caller holds, so a sequence of these runs on one session.
 */
import { createHash } from 'node:crypto';
import type { QueryRunner } from 'typeorm';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;

/** Backtick-quotes a table or column name from configuration, refusing anything that is not a plain identifier. */
export function quoteIdentifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new Error(`not a plain SQL identifier: ${JSON.stringify(name)}`);
  return `\`${name}\``;
}

export interface ServerFacts {
  readonly version: string;
  readonly mariadb: boolean;
  /**
   * Whether InnoDB keeps the counter across a restart: MariaDB 10.2.4+ and MySQL 8.0+. MySQL 5.7 and older
   * MariaDB recompute it as MAX(id) + 1 at the table's first use, which could fall inside a block in use.
   */
  readonly persistsCounter: boolean;
  readonly autoIncrementIncrement: number;
  readonly autoIncrementOffset: number;
  readonly binaryLog: boolean;
  readonly binlogFormat: string;
}

export async function serverFacts(runner: QueryRunner): Promise<ServerFacts> {
  const [row] = (await runner.query(
    'SELECT VERSION() AS version, @@auto_increment_increment AS increment, @@auto_increment_offset AS inc_offset, ' +
      '@@log_bin AS log_bin, @@binlog_format AS binlog_format',
  )) as Array<{
    version: string;
    increment: string;
    inc_offset: string;
    log_bin: string | number;
    binlog_format: string;
  }>;
  const mariadb = /mariadb/i.test(row.version);
  const [major, minor, patch] = row.version.split(/[.-]/).map(Number);
  const at = (a: number, b: number, c: number) =>
    major > a || (major === a && (minor > b || (minor === b && patch >= c)));
  return {
    version: row.version,
    mariadb,
    persistsCounter: mariadb ? at(10, 2, 4) : at(8, 0, 0),
    autoIncrementIncrement: Number(row.increment),
    autoIncrementOffset: Number(row.inc_offset),
    binaryLog: Number(row.log_bin) === 1,
    binlogFormat: row.binlog_format,
  };
}

/**
 * The table's counter as the server reports it, or null when the table has none. MySQL 8 caches this column of
 * information_schema for a day by default, hence the session setting; it is a hint either way (see reserve).
 */
export async function readCounter(runner: QueryRunner, table: string, mariadb: boolean): Promise<bigint | null> {
  if (!mariadb) await runner.query('SET SESSION information_schema_stats_expiry = 0');
  const rows = (await runner.query(
    'SELECT AUTO_INCREMENT AS counter FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
    [table],
  )) as Array<{ counter: string | number | null }>;
  return rows[0]?.counter === null || rows[0]?.counter === undefined ? null : BigInt(rows[0].counter);
}

export async function maxId(runner: QueryRunner, table: string, column: string): Promise<bigint> {
  const [row] = (await runner.query(
    `SELECT COALESCE(MAX(${quoteIdentifier(column)}), 0) AS max_id FROM ${quoteIdentifier(table)}`,
  )) as Array<{ max_id: string | number }>;
  return BigInt(row.max_id);
}

/**
 * Sets the counter to `value`. This is DDL: it commits, and it takes the table's metadata lock exclusively for a
 * moment, which waits until every transaction that has touched the table has ended. That wait is the point: once
 * it returns, no insert that drew a value below `value` is still in flight. INPLACE refuses to copy the table
 * should a server ever want to. Lowering is possible on MariaDB (down to MAX(id) + 1), which is why callers hold
 * the table's hilo lock.
 */
export async function moveCounter(runner: QueryRunner, table: string, value: bigint): Promise<void> {
  await runner.query(
    `ALTER TABLE ${quoteIdentifier(table)} AUTO_INCREMENT = ${value.toString()}, ALGORITHM=INPLACE, LOCK=NONE`,
  );
}

/** The session-level lock that serialises reservations (and the `ids:*` commands) for one table. */
export function hiloLockName(table: string): string {
  const name = `customerflow.hilo.${table}`;
  // GET_LOCK names are at most 64 characters; DATABASE() is left out on purpose, as a schema may be renamed.
  return name.length <= 64 ? name : `customerflow.hilo.${createHash('sha1').update(table).digest('hex')}`;
}

export async function withHiloLock<T>(
  runner: QueryRunner,
  table: string,
  waitSeconds: number,
  work: () => Promise<T>,
): Promise<T> {
  const name = hiloLockName(table);
  const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS got', [name, waitSeconds])) as Array<{ got: unknown }>;
  if (Number(row.got) !== 1) {
    throw Object.assign(new Error(`timed out after ${waitSeconds} s waiting for the hilo lock of ${table}`), {
      errno: 1205,
      code: 'ER_LOCK_WAIT_TIMEOUT',
    });
  }
  try {
    return await work();
  } finally {
    await runner.query('DO RELEASE_LOCK(?)', [name]).catch(() => undefined); // a lost connection released it already
  }
}
