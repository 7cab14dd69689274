/**
 * Customer writes can be paused with the `customer-writes` feature flag (FEATURE_FLAGS_FILE), for a migration or
 * an incident: marked routes then answer 503 with Retry-After while reads keep working, and commands from RabbitMQ
 * are retried later.
 */
import { applyDecorators, type CanActivate, Injectable, UseGuards } from '@nestjs/common';
import { FeatureFlags, Flags, ProblemException } from '@customerflow/platform';

@Injectable()
export class CustomerWritesGuard implements CanActivate {
  constructor(private readonly flags: FeatureFlags) {}

  async canActivate(): Promise<boolean> {
    if (await this.flags.isEnabled(Flags.customerWrites)) return true;
    throw new ProblemException({
      status: 503,
      slug: 'writes-paused',
      title: 'Customer changes are paused',
      detail: 'Changes to customers are paused for maintenance; reads still work. Retry later.',
      headers: { 'Retry-After': '60' },
    });
  }
}

/**
 * Bound to the write routes and to the commands' message handlers only, so reads never pay for the flag lookup.
 * On a message handler the 503 is a transient failure: the command waits in the delay queues until writes resume
 * (or it runs out of attempts and is dead-lettered).
 */
export const PausableWrite = (): MethodDecorator => applyDecorators(UseGuards(CustomerWritesGuard));
