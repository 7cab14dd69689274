/**
 * The relay alone: the outbox relay and its health endpoint, no customer endpoints. Several of these can run beside
 * API replicas started with OUTBOX_RELAY=off; the claim keeps them from publishing the same row twice at once and
 * per-customer order holds across them. It never migrates a MySQL schema (that is `npm run migration:run`'s job);
 * on SQLite the shared DatabaseModule brings the file up to date as it does for the API.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OutboxModule } from '@customerflow/outbox';
import { type AppConfig, ConfigModule, DatabaseModule } from '@customerflow/platform';
import { RelayHealthController } from './health/relay-health.controller';

@Module({})
export class RelayModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: RelayModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot({ entities: [] }),
        OutboxModule.forRelayProcess(),
        TerminusModule,
      ],
      controllers: [RelayHealthController],
    };
  }
}
