/**
 * Starts the real API (same createApp as main.ts) for end-to-end tests: on a fresh SQLite file by default
 * (`npm test`), or on MariaDB + RabbitMQ when the integration suite's environment is set
 * (`npm run test:integration`, see integration-env.ts). It listens on a random port so tests speak real HTTP.
 *
 * Auth is on, as deployed: the app trusts the test key pair (support/auth.ts) and `http()` sends a token with every
 * scope, so a suite that is not about auth reads like one against an open API. `anonymous()` sends no token. A test
 * that wants auth off passes `{ AUTH_DISABLED: 'true' }`; one that wants other keys passes its own AUTH_* values.
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
import { authEnv, mintToken } from './auth';
import { aRegistration } from './customer-bodies';
import { cleanDatabase } from './database-cleaner';

export const isIntegration = process.env.CUSTOMERFLOW_INTEGRATION === '1';

export interface TestApp {
  readonly app: NestFastifyApplication;
  /** Every route the HTTP server registered, as `METHOD /path/:param` (HEAD routes Fastify adds left out). */
  readonly routes: readonly string[];
  readonly url: string;
  readonly dataSource: DataSource;
  readonly config: AppConfig;
  /** Requests with a bearer token that has every scope (or none when auth is off). */
  http(): ReturnType<typeof request.agent>;
  /** Requests without credentials. */
  anonymous(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/** `clean: false` leaves the database as it is (a legacy schema under test has none of CustomerFlow's tables to empty). */
export async function startTestApp(env: Record<string, string> = {}, { clean = true } = {}): Promise<TestApp> {
  const sqliteFile = join(tmpdir(), `customerflow-e2e-${randomUUID()}.sqlite`);
  const config = AppConfig.fromEnv({
    // TEST_LOG_LEVEL=error shows what a failing test's app logged.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OUTBOX_RELAY: 'off',
    // Suites send thousands of requests as one caller; the rate-limit suite sets its own small budgets.
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_SENSITIVE_PER_MINUTE: '1000000',
    ...(env.AUTH_JWKS_URL || env.AUTH_JWT_PUBLIC_KEY ? {} : authEnv()),
    ...(isIntegration
      ? { DATABASE_URL: process.env.DATABASE_URL!, AMQP_URL: process.env.AMQP_URL! }
      : { DATABASE_URL: `sqlite:${sqliteFile}` }),
    ...env,
  });
  // Clean before the app starts: an in-process relay would otherwise publish rows other tests left behind.
  if (isIntegration && clean) await withDataSource(config, cleanDatabase);
  const app = await createApp(config);
  await app.listen(0, '127.0.0.1');
  const routes = servedRoutes(app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false }));
  const dataSource = app.get(DataSource);
  const url = await app.getUrl();
  const token = config.auth.enabled ? await mintToken({ expiresIn: 24 * 3600 }) : null;
  return {
    app,
    routes,
    url: url.replace('[::1]', '127.0.0.1'),
    dataSource,
    config,
    http: () => (token ? request.agent(url).set('Authorization', `Bearer ${token}`) : request.agent(url)),
    anonymous: () => request(url),
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

/**
 * The routes in Fastify's printed route tree (`├── /v1/customers (GET, HEAD, POST)`, children indented by four
 * characters per level), as `METHOD /full/:path`. Read once the server is ready, however it was initialised.
 */
function servedRoutes(tree: string): string[] {
  const path: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const node = /^((?:[│ ] {3})*)[├└]── (.*?)(?: \(([^)]*)\))?$/.exec(line);
    if (!node) continue;
    path.length = node[1].length / 4;
    path.push(node[2]);
    for (const method of node[3]?.split(', ') ?? []) if (method !== 'HEAD') routes.push(`${method} ${path.join('')}`);
  }
  return routes;
}

/** Registers a customer and changes it `changes` times: 1 + changes events. */
export async function registerAndChange(t: TestApp, changes: number): Promise<string> {
  const { body: customer } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
  for (let version = 1; version <= changes; version++) {
    await t
      .http()
      .patch(`/v1/customers/${customer.id}`)
      .set('If-Match', `"${version}"`)
      .send({ name: `Ana ${version}` })
      .expect(200);
  }
  return customer.id as string;
}
