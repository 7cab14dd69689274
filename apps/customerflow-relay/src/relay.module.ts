/**
 * The relay alone: the outbox relay, its health and metrics endpoints, no customer endpoints. Several of these can
 * run beside API replicas started with OUTBOX_RELAY=off; the claim keeps them from publishing the same row twice at
 * once and per-customer order holds across them. It never migrates a MySQL schema (that is the migration Job's, or
 * `npm run migration:run`'s, job); on SQLite the shared DatabaseModule brings the file up to date as for the API.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OpenTelemetryModule } from 'nestjs-otel';
import { LoggerModule } from 'nestjs-pino';
import { customerEventPublications } from '@customerflow/contracts';
import { OutboxModule } from '@customerflow/outbox';
import { type AppConfig, ConfigModule, DatabaseModule, loggerParams } from '@customerflow/platform';
import { RelayHealthController } from './health/relay-health.controller';
import { RelayMetricsController } from './observability/metrics.controller';

@Module({})
export class RelayModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RelayModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config, { requestLogging: false })),
        OpenTelemetryModule.forRoot({ metrics: { hostMetrics: true } }),
        DatabaseModule.forRoot({ entities: [] }),
        OutboxModule.forRelayProcess({ publicationsOf: customerEventPublications(config.eventsPublished) }),
        TerminusModule,
      ],
      controllers: [RelayHealthController, RelayMetricsController],
    };
  }
}
