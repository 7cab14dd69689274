/**
 * Customer writes can be paused with the `customer-writes` feature flag (FEATURE_FLAGS_FILE), for a migration or
 * an incident: marked routes then answer 503 with Retry-After while reads keep working.
 */
import { type CanActivate, type ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FeatureFlags, Flags, ProblemException } from '@customerflow/platform';

const PAUSABLE_WRITE = 'customerflow:pausable-write';

export const PausableWrite = (): MethodDecorator => SetMetadata(PAUSABLE_WRITE, true);

@Injectable()
export class CustomerWritesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly flags: FeatureFlags,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.reflector.get<boolean>(PAUSABLE_WRITE, context.getHandler())) return true;
    if (await this.flags.isEnabled(Flags.customerWrites)) return true;
    throw new ProblemException({
      status: 503, slug: 'writes-paused', title: 'Customer changes are paused',
      detail: 'Changes to customers are paused for maintenance; reads still work. Retry later.',
      headers: { 'Retry-After': '60' },
    });
  }
}
