/**
 * A legacy database for the schema-map tests: its own MariaDB database (named after DATABASE_URL's, so each engineer's
 * and CI's runs stay apart), created from a SQL file that no CustomerFlow migration wrote, filled by plain SQL the
 * way the legacy application writes, and the CLIs (`migration:run`, `db:check`) run against it as real processes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Connection, createConnection } from 'mysql2/promise';

export const ROOT = join(__dirname, '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'legacy');

export interface LegacyDatabase {
  readonly url: string;
  readonly sql: Connection;
  close(): Promise<void>;
}

/** A fresh database `<DATABASE_URL's database>_<suffix>` holding the tables of `schemaFile`. */
export async function createLegacyDatabase(suffix: string, schemaFile: string): Promise<LegacyDatabase> {
  const base = new URL(process.env.DATABASE_URL!);
  const name = `${base.pathname.slice(1)}_${suffix}`;
  const admin = await connectTo(base, null);
  await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  const sql = await connectTo(url, name);
  await sql.query(readFileSync(join(FIXTURES, schemaFile), 'utf8'));
  return { url: url.toString(), sql, close: () => sql.end() };
}

/** Rows inserted in batches of 500, as one multi-row INSERT each: the way a bulk legacy import would. */
export async function insertRows(
  sql: Connection,
  table: string,
  rows: readonly Record<string, unknown>[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    const columns = Object.keys(batch[0]);
    await sql.query(`INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(', ')}) VALUES ?`, [
      batch.map((row) => columns.map((c) => row[c])),
    ]);
  }
}

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a compiled entry point (the suite builds first) as its own process, with this environment. */
export function runCli(args: readonly string[], env: Record<string, string>): CliResult {
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const migrationRun = (env: Record<string, string>) =>
  runCli(['node_modules/typeorm/cli.js', 'migration:run', '-d', 'dist/ormconfig.js'], env);

export const dbCheck = (env: Record<string, string>) => runCli(['dist/apps/customerflow-api/src/db-check.js'], env);

async function connectTo(url: URL, database: string | null): Promise<Connection> {
  return createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    ...(database ? { database } : {}),
    multipleStatements: true,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    timezone: 'Z',
  });
}
