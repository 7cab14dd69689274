/**
 * The API's composition root: configuration, databases, the outbox, the customers context and the HTTP edge
 * (controllers, the one problem+json filter, validation, idempotency), and the commands inbox behind the RabbitMQ
 * consumer that createApp connects.
 */
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ScheduleModule } from '@nestjs/schedule';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { OpenTelemetryModule } from 'nestjs-otel';
import { LoggerModule } from 'nestjs-pino';
import { customerOrmEntitiesFor, customerProblems, CustomersModule } from '@customerflow/customers';
import { InboxModule } from '@customerflow/inbox';
import { OutboxModule } from '@customerflow/outbox';
import {
  AppConfig,
  AuditInterceptor,
  AuthGuard,
  ConfigModule,
  createValidationPipe,
  DatabaseModule,
  FeatureFlagsModule,
  IdempotencyRetention,
  LOG_REDACT_PATHS,
  maskUrl,
  ProblemDetailsFilter,
  RateLimitGuard,
  rateLimitOptions,
  REDACTED,
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
import { OutboxMetrics } from './observability/outbox-metrics';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        FeatureFlagsModule.forRoot(),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            autoLogging: true,
            // No credentials and no personal data in any log line: see libs/platform observability/redaction.ts.
            redact: { paths: LOG_REDACT_PATHS, censor: REDACTED },
            serializers: { req: (req: { url?: string }) => ({ ...req, url: req.url && maskUrl(req.url) }) },
          },
          // Request logging (a child logger per request) only when asked for: it costs ~50 µs a request. The path is
          // spelled out: nestjs-pino's default ('{/*splat}') matches no request on Fastify's middleware layer.
          forRoutes: config.logLevel === 'debug' || config.logLevel === 'trace' ? ['{*splat}'] : [],
        }),
        OpenTelemetryModule.forRoot({ metrics: { hostMetrics: true } }),
        ScheduleModule.forRoot(),
        ThrottlerModule.forRoot(rateLimitOptions(config)),
        TerminusModule,
        CqrsModule.forRoot(),
        DatabaseModule.forRoot({ entities: customerOrmEntitiesFor(config.schemaMap) }),
        OutboxModule,
        CustomersModule,
        InboxModule.forRoot({ problemMappers: [customerProblems] }),
        AdminModule,
      ],
      controllers: [
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
      ],
      providers: [
        OutboxMetrics,
        IdempotencyRetention,
        CustomerWritesGuard,
        // Guards run in this order: the caller is known before the rate limit counts it.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
        { provide: APP_FILTER, useValue: new ProblemDetailsFilter([customerProblems]) },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
