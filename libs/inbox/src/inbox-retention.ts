import { Injectable, Logger } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AppConfig } from '@customerflow/platform';
import { InboxStore } from './inbox.store';

/**
 * Inbox rows are kept INBOX_RETENTION_HOURS (168 h by default; start-up refuses less than the longest redelivery
 * horizon), then deleted in small batches every ten minutes.
 */
@Injectable()
export class InboxRetention {
  private readonly logger = new Logger(InboxRetention.name);

  constructor(
    private readonly store: InboxStore,
    private readonly config: AppConfig,
  ) {}

  @Interval('inbox-retention', 10 * 60_000)
  async purge(now = new Date()): Promise<number> {
    try {
      const cutoff = new Date(now.getTime() - this.config.commands.inboxRetentionHours * 3_600_000);
      const purged = await this.store.purgeReceivedBefore(cutoff);
      if (purged > 0) this.logger.log(`deleted ${purged} inbox rows older than ${cutoff.toISOString()}`);
      return purged;
    } catch (error) {
      this.logger.warn(`inbox retention failed, will retry: ${(error as Error).message}`);
      return 0;
    }
  }
}
