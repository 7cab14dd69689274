/**
 * The API's composition root: configuration, databases, the outbox, the customers context and the HTTP edge
 * (controllers, the one problem+json filter, validation, idempotency), and the commands inbox behind the RabbitMQ
 * consumer that createApp connects.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { OpenTelemetryModule } from 'nestjs-otel';
import { LoggerModule } from 'nestjs-pino';
import { customerEventPublications } from '@customerflow/contracts';
import { customerOrmEntitiesFor, customerProblems, CustomersModule } from '@customerflow/customers';
import { InboxModule } from '@customerflow/inbox';
import { OutboxModule } from '@customerflow/outbox';
import {
  AppConfig,
  AuthGuard,
  ConfigModule,
  createValidationPipe,
  DatabaseModule,
  FeatureFlagsModule,
  IdempotencyModule,
  InTransactionEventsModule,
  loggerParams,
  ProblemDetailsFilter,
  RateLimitGuard,
  rateLimitOptions,
} from '@customerflow/platform';
import { AdminModule } from './admin/admin.module';
import { AsyncApiController } from './contracts/asyncapi.controller';
import { CustomerWritesGuard } from './customers/pausable-write';
import { DeactivateCustomerController } from './customers/deactivate-customer/deactivate-customer.controller';
import { EraseCustomerController } from './customers/erase-customer/erase-customer.controller';
import { GetCustomerController } from './customers/get-customer/get-customer.controller';
import { ListCustomersController } from './customers/list-customers/list-customers.controller';
import { ReactivateCustomerController } from './customers/reactivate-customer/reactivate-customer.controller';
import { RegisterCustomerController } from './customers/register-customer/register-customer.controller';
import { UpdateCustomerController } from './customers/update-customer/update-customer.controller';
import { HealthController } from './health/health.controller';
import { MetricsController } from './observability/metrics.controller';

/** The API's own controllers (the admin ones come with AdminModule). */
export const API_CONTROLLERS = [
  RegisterCustomerController,
  GetCustomerController,
  ListCustomersController,
  UpdateCustomerController,
  DeactivateCustomerController,
  ReactivateCustomerController,
  EraseCustomerController,
  HealthController,
  AsyncApiController,
  MetricsController,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        FeatureFlagsModule.forRoot(),
        LoggerModule.forRoot(loggerParams(config, { requestLogging: true })),
        OpenTelemetryModule.forRoot({ metrics: { hostMetrics: true } }),
        ScheduleModule.forRoot(),
        ThrottlerModule.forRoot(rateLimitOptions(config)),
        TerminusModule,
        CqrsModule.forRoot(),
        DatabaseModule.forRoot({ entities: customerOrmEntitiesFor(config.schemaMap) }),
        IdempotencyModule,
        InTransactionEventsModule,
        OutboxModule.forRoot({ publicationsOf: customerEventPublications(config.eventsPublished) }),
        CustomersModule,
        InboxModule.forRoot({ problemMappers: [customerProblems] }),
        AdminModule,
      ],
      controllers: API_CONTROLLERS,
      providers: [
        CustomerWritesGuard,
        // Guards run in this order: the caller is known before the rate limit counts it.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useValue: new ProblemDetailsFilter([customerProblems]) },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
