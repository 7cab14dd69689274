/**
 * Commands over RabbitMQ: the consumer (a custom transport strategy, connected to the API as a microservice), the
 * inbox that makes redeliveries harmless, its retention, and the consumer's metrics. Import
 * `InboxModule.forRoot({ problemMappers })` with the same problem mappers the HTTP filter uses, so a domain error
 * means the same thing on both edges.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import type { ProblemMapper } from '@customerflow/platform';
import { AmqpCommandServer, COMMAND_PROBLEM_MAPPERS } from './amqp-command.server';
import { CommandMetrics } from './command-metrics';
import { InboxRetention } from './inbox-retention';
import { InboxStore } from './inbox.store';

export interface InboxModuleOptions {
  readonly problemMappers: readonly ProblemMapper[];
}

@Module({})
export class InboxModule {
  static forRoot(options: InboxModuleOptions): DynamicModule {
    return {
      module: InboxModule,
      providers: [
        { provide: COMMAND_PROBLEM_MAPPERS, useValue: options.problemMappers },
        InboxStore,
        InboxRetention,
        CommandMetrics,
        AmqpCommandServer,
      ],
      exports: [InboxStore, InboxRetention, AmqpCommandServer],
    };
  }
}
