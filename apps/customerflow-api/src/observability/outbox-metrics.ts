import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { OutboxAdmin, OutboxRelayHost } from '@customerflow/outbox';

/**
 * What an operator alerts on: how far the relay is behind (pending rows, age of the oldest), dead letters, and what
 * this process's relay has done. Read at scrape time from the outbox table (one query per scrape), so a gauge is
 * never stale and nothing is counted twice across replicas' restarts.
 */
@Injectable()
export class OutboxMetrics implements OnModuleInit {
  private readonly logger = new Logger(OutboxMetrics.name);

  constructor(
    private readonly admin: OutboxAdmin,
    private readonly relays: OutboxRelayHost,
  ) {}

  onModuleInit(): void {
    const meter = metrics.getMeter('customerflow');
    const pending = meter.createObservableGauge('customerflow.outbox.pending', {
      description: 'Outbox rows not yet published',
    });
    const deadLetters = meter.createObservableGauge('customerflow.outbox.dead_letters', {
      description: 'Outbox rows given up on',
    });
    const oldest = meter.createObservableGauge('customerflow.outbox.oldest_pending_age', {
      description: 'Age of the oldest pending row',
      unit: 'ms',
    });
    const relayed = meter.createObservableCounter('customerflow.outbox.relayed', {
      description: 'Rows this process relayed, by outcome',
    });
    meter.addBatchObservableCallback(
      async (observer) => {
        try {
          const stats = await this.admin.stats();
          observer.observe(pending, stats.pending);
          observer.observe(deadLetters, stats.deadLetters);
          observer.observe(oldest, stats.oldestPendingAgeMs);
        } catch (error) {
          this.logger.warn(`outbox metrics unavailable: ${(error as Error).message}`);
        }
        const counters = this.relays.runningRelay?.counters;
        if (counters) {
          observer.observe(relayed, counters.published, { outcome: 'published' });
          observer.observe(relayed, counters.failed, { outcome: 'failed' });
          observer.observe(relayed, counters.deadLettered, { outcome: 'dead_lettered' });
        }
      },
      [pending, deadLetters, oldest, relayed],
    );
  }
}
