/**
 * The relay process loads the database and the outbox, not what only the API uses: idempotency and the
 * in-transaction event bus (and the provider discovery the bus needs) stay out of its module graph.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiscoveryService, ModulesContainer } from '@nestjs/core';
import { Test, type TestingModule } from '@nestjs/testing';
import { RelayModule } from '../../apps/customerflow-relay/src/relay.module';
import { OutboxRelayHost } from '../../libs/outbox/src';
import {
  AppConfig,
  IdempotencyInterceptor,
  IdempotencyRetention,
  IdempotencyStore,
  InTransactionEventBus,
  UnitOfWork,
} from '../../libs/platform/src';

describe('the relay module', () => {
  const file = join(tmpdir(), `customerflow-relay-module-${randomUUID()}.sqlite`);
  let relay: TestingModule;
  let providers: Set<unknown>;

  beforeAll(async () => {
    const config = AppConfig.fromEnv({ DATABASE_URL: `sqlite:${file}`, LOG_LEVEL: 'silent', AUTH_DISABLED: 'true' });
    relay = await Test.createTestingModule({ imports: [RelayModule.forRoot(config)] }).compile();
    providers = new Set([...relay.get(ModulesContainer).values()].flatMap((module) => [...module.providers.keys()]));
  });

  afterAll(async () => {
    await relay?.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
  });

  it('has the database and the outbox relay', () => {
    expect(providers.has(UnitOfWork)).toBe(true);
    expect(providers.has(OutboxRelayHost)).toBe(true);
  });

  it.each([
    ['IdempotencyStore', IdempotencyStore],
    ['IdempotencyInterceptor', IdempotencyInterceptor],
    ['IdempotencyRetention', IdempotencyRetention],
    ['InTransactionEventBus', InTransactionEventBus],
    ['DiscoveryService', DiscoveryService],
  ])('has no %s', (_name, token) => {
    expect(providers.has(token)).toBe(false);
  });
});
