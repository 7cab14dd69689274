/**
 * Idempotency-Key for the API's writes: the store, the interceptor that @Idempotent() routes use, and the retention
 * sweep of expired keys (an @Interval: the importing app has ScheduleModule). Only the API imports this; global so
 * the interceptor and the in-transaction reaction that forgets an erased customer's responses find the store.
 */
import { Global, Module } from '@nestjs/common';
import { IdempotencyRetention } from './idempotency-retention';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyStore } from './idempotency.store';

@Global()
@Module({
  providers: [IdempotencyStore, IdempotencyInterceptor, IdempotencyRetention],
  exports: [IdempotencyStore, IdempotencyInterceptor],
})
export class IdempotencyModule {}
