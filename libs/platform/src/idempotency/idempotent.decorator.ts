import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from './idempotency.interceptor';

/**
 * Marks a route whose requests may carry an `Idempotency-Key` header (docs/contracts.md, "REST"). The interceptor is bound
 * to these routes only, so every other request skips it.
 */
export const Idempotent = (): MethodDecorator => applyDecorators(UseInterceptors(IdempotencyInterceptor));
