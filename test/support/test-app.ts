/**
 * Starts the real API (same createApp as main.ts) for end-to-end tests: on a fresh SQLite file by default
 * (`npm test`), or on MariaDB + RabbitMQ when the integration suite's environment is set
 * (`npm run test:integration`, see integration-env.ts). It listens on a random port so tests speak real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { createApp } from '../../apps/customerflow-api/src/create-app';
import { AppConfig, dataSourceOptions } from '../../libs/platform/src';
import { cleanDatabase } from './database-cleaner';

export const isIntegration = process.env.CUSTOMERFLOW_INTEGRATION === '1';

export interface TestApp {
  readonly app: NestFastifyApplication;
  /** Every route the HTTP server registered, as `METHOD /path/:param` (HEAD routes Fastify adds left out). */
  readonly routes: readonly string[];
  readonly url: string;
  readonly dataSource: DataSource;
  readonly config: AppConfig;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const sqliteFile = join(tmpdir(), `customerflow-e2e-${randomUUID()}.sqlite`);
  const config = AppConfig.fromEnv({
    LOG_LEVEL: 'silent',
    OUTBOX_RELAY: 'off',
    ...(isIntegration
      ? { DATABASE_URL: process.env.DATABASE_URL!, AMQP_URL: process.env.AMQP_URL! }
      : { DATABASE_URL: `sqlite:${sqliteFile}` }),
    ...env,
  });
  // Clean before the app starts: an in-process relay would otherwise publish rows other tests left behind.
  if (isIntegration) await withDataSource(config, cleanDatabase);
  const app = await createApp(config);
  const routes: string[] = [];
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', ({ method, url }) => {
      for (const m of [method].flat()) if (m !== 'HEAD') routes.push(`${m} ${url}`);
    });
  await app.listen(0, '127.0.0.1');
  const dataSource = app.get(DataSource);
  const url = await app.getUrl();
  return {
    app,
    routes,
    url: url.replace('[::1]', '127.0.0.1'),
    dataSource,
    config,
    http: () => request(url),
    async close() {
      await app.close();
      if (!isIntegration) for (const suffix of ['', '-wal', '-shm']) rmSync(`${sqliteFile}${suffix}`, { force: true });
    },
  };
}

async function withDataSource(config: AppConfig, work: (dataSource: DataSource) => Promise<void>): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(config.database, { poolSize: 2 }));
  await dataSource.initialize();
  try {
    await work(dataSource);
  } finally {
    await dataSource.destroy();
  }
}
