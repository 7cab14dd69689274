/**
 * The relay suites' own database, `<integration database>_outbox`, created and migrated on first use. The relay
 * claims whatever is due in `outbox_messages`, so sharing a table with another suite's in-process relay (or a
 * colleague's run on the same server) would let one suite publish, or truncate, the other's rows.
 */
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { dataSourceOptions, type DatabaseConfig, parseDatabaseUrl } from '../../libs/platform/src';

export function outboxTestDatabaseUrl(): string {
  const base = parseDatabaseUrl('DATABASE_URL', process.env.DATABASE_URL!);
  if (base.kind !== 'mysql') throw new Error('the outbox integration suites need DATABASE_URL=mysql://...');
  const url = new URL(base.url);
  url.pathname = `${url.pathname}_outbox`;
  return url.toString();
}

let migrated: Promise<void> | null = null;

/** A data source on the outbox test database, migrated to the latest schema. */
export async function openOutboxTestDatabase(poolSize = 10): Promise<DataSource> {
  const config: DatabaseConfig = { kind: 'mysql', url: outboxTestDatabaseUrl() };
  migrated ??= migrate(config);
  await migrated;
  const dataSource = new DataSource(dataSourceOptions(config, { poolSize }));
  await dataSource.initialize();
  return dataSource;
}

async function migrate(config: DatabaseConfig): Promise<void> {
  const url = new URL(config.url);
  const admin = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  await admin.query(
    `CREATE DATABASE IF NOT EXISTS \`${url.pathname.slice(1)}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
  );
  await admin.end();
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
}

export async function emptyOutbox(dataSource: DataSource): Promise<void> {
  await dataSource.query('TRUNCATE TABLE outbox_messages');
}

export interface OutboxCounts {
  readonly total: number;
  readonly published: number;
  readonly deadLettered: number;
  readonly leased: number;
  readonly withAttempts: number;
}

export async function outboxCounts(dataSource: DataSource): Promise<OutboxCounts> {
  const [row] = await dataSource.query(
    `SELECT COUNT(*) AS total, COUNT(published_at) AS published, COUNT(dead_lettered_at) AS dead,
            SUM(CASE WHEN lease_owner IS NOT NULL AND published_at IS NULL THEN 1 ELSE 0 END) AS leased,
            SUM(CASE WHEN attempts > 0 THEN 1 ELSE 0 END) AS with_attempts
       FROM outbox_messages`,
  );
  return {
    total: Number(row.total),
    published: Number(row.published),
    deadLettered: Number(row.dead),
    leased: Number(row.leased ?? 0),
    withAttempts: Number(row.with_attempts ?? 0),
  };
}
