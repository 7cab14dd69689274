/**
 * Starts the outbox relay on its own (`npm run start:relay`): it drains `outbox_messages` to RabbitMQ (or the
 * in-memory transport) and serves `/health/live` and `/health/ready` on PORT. SIGTERM finishes the batch in flight,
 * closes the broker connection and the database pool, then exits.
 */
import 'reflect-metadata';
import { type LogLevel as NestLogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { AppConfig, type LogLevel } from '@customerflow/platform';
import { RelayModule } from './relay.module';

async function main(): Promise<void> {
  // The relay serves health probes only, never customer data: the API's AUTH_* rules do not apply to it.
  const config = AppConfig.fromEnvOrExit({ ...process.env, AUTH_DISABLED: 'true' });
  const app = await NestFactory.create(RelayModule.forRoot(config), new FastifyAdapter(), {
    logger: nestLogLevels(config.logLevel),
  });
  app.enableShutdownHooks();
  await app.listen(config.port);
}

/** LOG_LEVEL in Nest's terms: each level includes the ones above it. */
function nestLogLevels(level: LogLevel): NestLogLevel[] | false {
  const order: NestLogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const upTo: Record<LogLevel, number> = { silent: -1, fatal: 0, error: 1, warn: 2, info: 3, debug: 4, trace: 5 };
  return level === 'silent' ? false : order.slice(0, upTo[level] + 1);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
