/**
 * The outbox's settings (the OUTBOX_* variables of .env.example and the README's table): their names, defaults and
 * bounds. AppConfig reads them with the rest of the configuration at start-up, through the reader it passes in, so a
 * bad value stops the process with the same one-line message as any other. The platform imports this file by its
 * path, not through the outbox's index, which imports the platform: this file imports nothing, so no cycle.
 */

export type OutboxClaimMode = 'auto' | 'skip-locked' | 'lease';

export interface OutboxOptions {
  /** `inprocess`: the API runs the relay; `off`: it only writes rows, a separate customerflow-relay publishes them. */
  readonly relay: 'inprocess' | 'off';
  /**
   * `on`: with RabbitMQ, an API that does not relay wakes the relay processes after each commit, and relays listen
   * (see transport/amqp-wakeups.ts); `off`: relays find other processes' rows at their next poll.
   */
  readonly wakeups: 'on' | 'off';
  /** How often the relay looks for due rows when nothing woke it. */
  readonly pollMs: number;
  readonly batchSize: number;
  /** Batches one relay keeps in flight at once (the next claimed while one awaits the broker's confirms). */
  readonly batchesInFlight: number;
  /** Failed publishes of one row before it becomes a dead letter. */
  readonly maxAttempts: number;
  /** How long published rows are kept. */
  readonly retentionHours: number;
  readonly claim: OutboxClaimMode;
  /** How long a `lease` claim holds its rows before another relay may take them. */
  readonly leaseMs: number;
}

/** Reads one variable of the environment, or its fallback when unset; throws naming the variable when invalid. */
export interface EnvironmentReader {
  integer(variable: string, fallback: number, min: number, max: number): number;
  oneOf<T extends string>(variable: string, allowed: readonly T[], fallback: T): T;
}

export function readOutboxOptions(env: EnvironmentReader): OutboxOptions {
  return {
    relay: env.oneOf('OUTBOX_RELAY', ['inprocess', 'off'] as const, 'inprocess'),
    wakeups: env.oneOf('OUTBOX_WAKEUPS', ['on', 'off'] as const, 'on'),
    pollMs: env.integer('OUTBOX_POLL_MS', 1000, 10, 3_600_000),
    batchSize: env.integer('OUTBOX_BATCH_SIZE', 100, 1, 10_000),
    batchesInFlight: env.integer('OUTBOX_BATCHES_IN_FLIGHT', 2, 1, 16),
    maxAttempts: env.integer('OUTBOX_MAX_ATTEMPTS', 20, 1, 1000),
    retentionHours: env.integer('OUTBOX_RETENTION_HOURS', 168, 0, 100_000),
    claim: env.oneOf('OUTBOX_CLAIM', ['auto', 'skip-locked', 'lease'] as const, 'auto'),
    leaseMs: env.integer('OUTBOX_LEASE_MS', 30_000, 100, 3_600_000),
  };
}
