/**
 * Starts the outbox relay on its own (`npm run start:relay`): it drains `outbox_messages` to RabbitMQ and serves
 * `/health/live`, `/health/ready` and `/metrics` on PORT. SIGTERM finishes the batch in flight, closes the broker
 * connection and the database pool, then exits.
 */
import './instrumentation'; // first: instruments http before anything loads it
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppConfig, ConfigError } from '@customerflow/platform';
import { RelayModule } from './relay.module';

async function main(): Promise<void> {
  // The relay serves health probes and metrics only, never customer data: the API's AUTH_* rules do not apply to it.
  const config = AppConfig.fromEnvOrExit(AppConfig.servingNoCustomerData());
  if (!config.amqpUrl) {
    // Relaying to the in-memory transport would mark every row published to nobody in this process.
    const error = new ConfigError(
      'AMQP_URL',
      'must be set for customerflow-relay, which publishes to RabbitMQ (the in-memory transport is for the API with OUTBOX_RELAY=inprocess)',
    );
    console.error(error.message);
    process.exit(1);
  }
  const app = await NestFactory.create(RelayModule.forRoot(config), new FastifyAdapter(), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  // Every interface: Fastify's default is localhost, which a container's probes and Service cannot reach.
  await app.listen(config.port, '0.0.0.0');
}

main().catch((error: unknown) => {
  console.error(`CustomerFlow relay failed to start: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
