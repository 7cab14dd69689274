import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { type BatchObservableCallback, metrics, type Observable } from '@opentelemetry/api';
import { OutboxAdmin } from './outbox-admin';
import { OutboxRelayHost } from './outbox-relay.host';

/**
 * What an operator alerts on: how far the relay is behind (pending rows, age of the oldest), dead letters, and what
 * this process's relay has done. Read at scrape time from the outbox table (one query per scrape), so a gauge is
 * never stale and nothing is counted twice across replicas' restarts. Provided by OutboxModule, so whichever process
 * relays (the API with OUTBOX_RELAY=inprocess, or apps/customerflow-relay) exports its own counters at GET /metrics.
 */
@Injectable()
export class OutboxMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(OutboxMetrics.name);
  private registered: { callback: BatchObservableCallback; observables: Observable[] } | null = null;

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
    const callback: BatchObservableCallback = async (observer) => {
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
    };
    const observables = [pending, deadLetters, oldest, relayed];
    meter.addBatchObservableCallback(callback, observables);
    this.registered = { callback, observables };
  }

  /** The meter is global: an application that closes (a test's, say) must stop reading its closed pool. */
  onModuleDestroy(): void {
    if (!this.registered) return;
    metrics
      .getMeter('customerflow')
      .removeBatchObservableCallback(this.registered.callback, this.registered.observables);
    this.registered = null;
  }
}
