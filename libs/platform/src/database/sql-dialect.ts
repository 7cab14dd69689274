/**
 * Which of SQLite and MySQL/MariaDB a connection speaks, and what their drivers' errors mean. Code with SQL for both
 * asks `dialectOf` instead of testing the driver type; the SQL that differs stays beside its query (migrations, the
 * outbox claims, retention and admin, the hilo generator, the read side's list SQL).
 */
import type { DataSource, QueryRunner } from 'typeorm';

export type SqlDialect = 'sqlite' | 'mysql';

export function dialectOf(source: DataSource | QueryRunner): SqlDialect {
  const type = 'connection' in source ? source.connection.options.type : source.options.type;
  return type === 'better-sqlite3' ? 'sqlite' : 'mysql';
}

/** SQL errors the drivers raise for a unique-index clash, normalised so callers need not know the driver. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; driverError?: { code?: string; errno?: number } };
  const code = e?.driverError?.code ?? e?.code;
  const errno = e?.driverError?.errno ?? e?.errno;
  return (
    code === 'ER_DUP_ENTRY' ||
    errno === 1062 ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  );
}

/** Name of the unique index (MySQL) or column list (SQLite) that a unique violation names, for mapping to a field. */
export function violatedUniqueKey(error: unknown): string {
  const e = error as { message?: string; driverError?: { message?: string; sqlMessage?: string } };
  return e?.driverError?.sqlMessage ?? e?.driverError?.message ?? e?.message ?? '';
}

/** Deadlock (1213) and lock-wait timeout (1205) on MySQL, busy/locked on SQLite: the whole unit of work may be retried. */
export function isTransientConcurrencyError(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; driverError?: { code?: string; errno?: number } };
  const errno = e?.driverError?.errno ?? e?.errno;
  const code = e?.driverError?.code ?? e?.code;
  return (
    errno === 1213 ||
    errno === 1205 ||
    code === 'ER_LOCK_DEADLOCK' ||
    code === 'ER_LOCK_WAIT_TIMEOUT' ||
    code === 'SQLITE_BUSY' ||
    code === 'SQLITE_LOCKED'
  );
}

/**
 * Server errors that end the statement or the session from outside (the server stopping, an operator's KILL): the
 * outcome is a dropped connection's, and trying again later is the answer. By number: mysql2 names only the codes
 * it knows.
 */
const INTERRUPTED_BY_SERVER = new Set([
  1053, // ER_SERVER_SHUTDOWN
  1317, // ER_QUERY_INTERRUPTED: a KILL QUERY, or InnoDB's lock wait cut short by a shutdown
  1927, // ER_CONNECTION_KILLED (MariaDB)
  3169, // ER_SESSION_WAS_KILLED (MySQL)
  4031, // ER_CLIENT_INTERACTION_TIMEOUT (MySQL 8.0.24+: the server closed a connection idle past wait_timeout)
]);

/** Connection-level failures: the database is down or unreachable, which the API reports as 503. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const e = error as {
    code?: string;
    errno?: number;
    driverError?: { code?: string; errno?: number };
    message?: string;
  };
  const code = e?.driverError?.code ?? e?.code;
  const errno = e?.driverError?.errno ?? e?.errno;
  return (
    INTERRUPTED_BY_SERVER.has(errno ?? 0) ||
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'EPIPE',
      'ENOTFOUND',
      'EHOSTUNREACH',
      'PROTOCOL_CONNECTION_LOST',
      'ER_CON_COUNT_ERROR',
      'PROTOCOL_SEQUENCE_TIMEOUT',
      'ER_SERVER_SHUTDOWN',
      'CR_SERVER_GONE_ERROR',
      'CR_SERVER_LOST',
    ].includes(code ?? '') ||
    /Can't add new command when connection is in closed state|Connection lost|connect ECONNREFUSED|Pool is closed/i.test(
      e?.message ?? '',
    )
  );
}

/**
 * A column value as text, whatever the driver made of it (string, number, BIGINT string, Date, Buffer): for reading
 * rows of tables whose column types are not known in advance, such as a legacy schema's.
 */
export function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return JSON.stringify(value);
}
