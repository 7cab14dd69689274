import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { IdempotencyStore } from './idempotency.store';

/** Keys are kept IDEMPOTENCY_TTL_HOURS (24 h by default); this deletes the expired ones every ten minutes. */
@Injectable()
export class IdempotencyRetention {
  private readonly logger = new Logger(IdempotencyRetention.name);

  constructor(private readonly store: IdempotencyStore) {}

  @Interval('idempotency-retention', 10 * 60_000)
  async purge(): Promise<void> {
    try {
      const purged = await this.store.purgeExpired();
      if (purged > 0) this.logger.log(`deleted ${purged} expired idempotency keys`);
    } catch (error) {
      this.logger.warn(`idempotency key retention failed, will retry: ${(error as Error).message}`);
    }
  }
}
