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
  type Finding,
  readLiveSchema,
  type SchemaMap,
} from '@customerflow/platform';
import { CaptureNotSupported, captureStatus, describeCaptureStatus } from '@customerflow/customers';

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
    const capture = await captureFinding(dataSource, config.schemaMap);
    console.log(`db:check ${redacted(config.database.url)} against ${process.env.SCHEMA_MAP_FILE}\n`);
    if (typeof capture === 'string') console.log(`INFO    ${capture}`);
    else findings.push(capture);
    console.log(formatFindings(findings));
    return findings.some((f) => f.severity === 'error') ? 1 : 0;
  } finally {
    await dataSource.destroy();
  }
}

/** Whether legacy writes are announced: a line to print, or a warning when the installed triggers are stale. */
async function captureFinding(dataSource: DataSource, map: SchemaMap): Promise<Finding | string> {
  try {
    const status = await captureStatus(dataSource, map);
    if (status.state !== 'stale') return describeCaptureStatus(status);
    return {
      severity: 'warning',
      kind: 'capture',
      entry: 'legacy capture',
      message: describeCaptureStatus(status).replace(/^legacy capture: /, ''),
      fix: 'npm run legacy:capture -- install   (replaces the capture triggers; legacy writers need not stop)',
    };
  } catch (error) {
    if (error instanceof CaptureNotSupported) return `legacy capture: not available for this map: ${error.message}`;
    throw error;
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
