/**
 * `npm run db:check`: compares the live MySQL/MariaDB schema with SCHEMA_MAP_FILE and prints every mismatch with the
 * DDL that would fix it. Exit code 0: no errors (warnings allowed); 1: errors; 2: the check could not run (bad
 * configuration, no map, database unreachable).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  checkSchema,
  ConfigError,
  dataSourceOptions,
  formatFindings,
  readLiveSchema,
} from '@customerflow/platform';

async function main(): Promise<number> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv(AppConfig.servingNoCustomerData()); // it serves no customer data
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 2;
  }
  if (!config.schemaMap) {
    console.error('db:check compares a database with its schema map: set SCHEMA_MAP_FILE (and DATABASE_URL).');
    return 2;
  }
  const dataSource = new DataSource(dataSourceOptions(config.database, { poolSize: 1 }));
  try {
    await dataSource.initialize();
  } catch (error) {
    console.error(`db:check cannot reach the database: ${(error as Error).message}`);
    return 2;
  }
  try {
    const findings = checkSchema(config.schemaMap, await readLiveSchema(dataSource));
    console.log(`db:check ${redacted(config.database.url)} against ${process.env.SCHEMA_MAP_FILE}\n`);
    console.log(formatFindings(findings));
    return findings.some((f) => f.severity === 'error') ? 1 : 0;
  } finally {
    await dataSource.destroy();
  }
}

function redacted(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
