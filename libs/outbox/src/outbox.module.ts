/**
 * The outbox: the writer the write side's unit of work appends to, the transport (RabbitMQ when AMQP_URL is set,
 * in-process subscribers otherwise), the relay that drains `outbox_messages` to it (in this process when
 * OUTBOX_RELAY=inprocess), the admin operations, the broker health indicator and the outbox metrics.
 *
 * Import `OutboxModule.forRoot()` in the API; `OutboxModule.forRelayProcess()` in a process whose job is to run the
 * relay. Both take what each row is published as (`publicationsOf`), for contracts that publish more than one
 * version of an event.
 */
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { AppConfig } from '@customerflow/platform';
import { BrokerHealthIndicator } from './broker.health';
import { OutboxAdmin } from './outbox-admin';
import { OutboxMetrics } from './outbox-metrics';
import { OUTBOX_PUBLICATIONS, type OutboxPublicationsOf } from './outbox-publications';
import { OutboxRelayHost, RUN_OUTBOX_RELAY } from './outbox-relay.host';
import { OutboxScrubber } from './outbox-scrubber';
import { OutboxSignal } from './outbox-signal';
import { OutboxWriter } from './outbox-writer';
import { InMemoryTransport } from './transport/in-memory.transport';
import { OutboxTransport } from './transport/outbox.transport';
import { RabbitMqTransport } from './transport/rabbitmq.transport';

@Global()
@Module({
  imports: [TerminusModule],
  providers: [
    OutboxSignal,
    OutboxWriter,
    OutboxScrubber,
    InMemoryTransport,
    {
      provide: OutboxTransport,
      inject: [AppConfig, InMemoryTransport],
      useFactory: (config: AppConfig, inMemory: InMemoryTransport): OutboxTransport =>
        config.amqpUrl
          ? new RabbitMqTransport({
              url: config.amqpUrl,
              exchange: config.amqpExchange,
              // Well inside the lease, so a stuck confirm is given up on before another relay may take the rows.
              confirmTimeoutMs: Math.max(1000, Math.min(10_000, Math.floor(config.outbox.leaseMs / 2))),
            })
          : inMemory,
    },
    OutboxAdmin,
    BrokerHealthIndicator,
    OutboxRelayHost,
    OutboxMetrics,
  ],
  exports: [
    OutboxSignal,
    OutboxWriter,
    OutboxScrubber,
    InMemoryTransport,
    OutboxTransport,
    OutboxAdmin,
    BrokerHealthIndicator,
    OutboxRelayHost,
  ],
})
export class OutboxModule {
  static forRoot(options: OutboxModuleOptions = {}): DynamicModule {
    return { module: OutboxModule, providers: publicationsProviders(options) };
  }

  /** For `apps/customerflow-relay`: runs the relay even where OUTBOX_RELAY=off (a setting meant for the API). */
  static forRelayProcess(options: OutboxModuleOptions = {}): DynamicModule {
    return {
      module: OutboxModule,
      providers: [{ provide: RUN_OUTBOX_RELAY, useValue: true }, ...publicationsProviders(options)],
    };
  }
}

export interface OutboxModuleOptions {
  /** What each row is published as; unset: every row as written. */
  readonly publicationsOf?: OutboxPublicationsOf;
}

function publicationsProviders({ publicationsOf }: OutboxModuleOptions) {
  return publicationsOf ? [{ provide: OUTBOX_PUBLICATIONS, useValue: publicationsOf }] : [];
}
