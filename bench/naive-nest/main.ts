/**
 * The service a NestJS developer would typically write for the same job, measured beside CustomerFlow by the bench
 * (see bench/README.md): Express, a global ValidationPipe, TypeORM `save` with the addresses cascaded, then a publish
 * to RabbitMQ after the commit with the confirm awaited. No outbox, so an event is lost when the process dies between
 * the commit and the confirm; no idempotency keys, no ETags, no problem+json. Env: PORT, DATABASE_URL, AMQP_URL,
 * AMQP_EXCHANGE.
 */
import 'reflect-metadata';
import { ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000));
}

void bootstrap();
