/**
 * Before the integration suite: create the test database if needed and bring it to the latest migration, the
 * same way `npm run migration:run` does in production.
 */
import './integration-env';
import { createConnection } from 'mysql2/promise';
import { DataSource } from 'typeorm';
import { dataSourceOptions, parseDatabaseUrl } from '../../libs/platform/src';

export default async function setup(): Promise<void> {
  const config = parseDatabaseUrl('DATABASE_URL', process.env.DATABASE_URL!);
  if (config.kind !== 'mysql') throw new Error('the integration suite needs DATABASE_URL=mysql://...');
  const url = new URL(config.url);
  const database = url.pathname.slice(1);
  const admin = await createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  await admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const dataSource = new DataSource(dataSourceOptions(config));
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.destroy();
}
