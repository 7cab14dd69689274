/**
 * What the operator commands share: configuration from the environment (the same variables as the service), a
 * small data source, `--name value` arguments, and one way of ending with a message instead of a stack trace.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig, dataSourceOptions } from '@customerflow/platform';

export function option(args: readonly string[], name: string): string | undefined {
  const at = args.indexOf(`--${name}`);
  if (at === -1) return undefined;
  const value = args[at + 1];
  if (value === undefined || value.startsWith('--')) fail(`--${name} needs a value`);
  return value;
}

export function fail(message: string): never {
  throw new CommandFailed(message);
}

export class CommandFailed extends Error {}

export async function runCommand(work: (config: AppConfig, dataSource: DataSource) => Promise<void>): Promise<void> {
  Logger.overrideLogger(['error', 'warn']); // the command prints its own report
  const config = AppConfig.fromEnvOrExit(AppConfig.servingNoCustomerData()); // a command serves no customer data
  const dataSource = new DataSource(dataSourceOptions(config.database, { poolSize: 2 }));
  try {
    await dataSource.initialize();
    await work(config, dataSource);
  } catch (error) {
    process.exitCode = 1;
    console.error(error instanceof CommandFailed ? error.message : `failed: ${(error as Error).message}`);
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
  }
}
