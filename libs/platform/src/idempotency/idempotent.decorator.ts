import { SetMetadata } from '@nestjs/common';

export const IDEMPOTENT_ROUTE = 'customerflow:idempotent';

/** Marks a route whose requests may carry an `Idempotency-Key` header (DESIGN section 3). */
export const Idempotent = (): MethodDecorator => SetMetadata(IDEMPOTENT_ROUTE, true);
