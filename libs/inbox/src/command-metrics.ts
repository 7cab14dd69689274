import { Injectable } from '@nestjs/common';
import { type Counter, metrics } from '@opentelemetry/api';

export type CommandOutcome = 'consumed' | 'duplicate' | 'retried' | 'dead_lettered';

/**
 * Counters of the commands consumer, by command type, at GET /metrics: consumed (applied), duplicate (absorbed by
 * the inbox), retried (sent to a delay queue) and dead-lettered.
 */
@Injectable()
export class CommandMetrics {
  private readonly counters: Record<CommandOutcome, Counter>;

  constructor() {
    const meter = metrics.getMeter('customerflow');
    this.counters = {
      consumed: meter.createCounter('customerflow.commands.consumed', { description: 'Commands applied' }),
      duplicate: meter.createCounter('customerflow.commands.duplicate', {
        description: 'Deliveries of commands already applied, acked without a second effect',
      }),
      retried: meter.createCounter('customerflow.commands.retried', {
        description: 'Commands that failed for a transient reason and were sent to a delay queue',
      }),
      dead_lettered: meter.createCounter('customerflow.commands.dead_lettered', {
        description: 'Commands moved to the dead letter queue',
      }),
    };
  }

  count(outcome: CommandOutcome, type: string): void {
    this.counters[outcome].add(1, { type });
  }
}
