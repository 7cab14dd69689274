/**
 * The ordering gate every claimed batch passes before anything is published. A relay may publish a row only if no
 * earlier row of the same aggregate is still owed by someone else: claimed by another relay, waiting out a backoff,
 * or simply not in this batch. Such rows are held back (released unpublished) and come round again later.
 *
 * Why this is enough for per-customer order, with any number of relays: rows of one aggregate are written in
 * commit order (`position`), a row is marked published only after the broker's ack, and a relay checks for earlier
 * owed rows after it has claimed its batch. So when relay B publishes row n of customer C, every earlier row of C
 * was either published and acked before B looked, dead-lettered, or in B's own batch, where rows of one aggregate
 * go out one after the other in position order, each waiting for the previous one's ack.
 */
import { type OutboxMessage, placeholders, UNSETTLED } from '../outbox-message';

export interface OwedRow {
  readonly aggregateId: string;
  readonly position: number;
}

export interface GatedBatch {
  /** May be published now, in position order. */
  readonly ready: OutboxMessage[];
  /** Must wait for an earlier row of their aggregate. */
  readonly deferred: OutboxMessage[];
}

/** Splits a claimed batch, given the unsettled rows of its aggregates that are not part of it. */
export function holdBackOutOfOrder(claimed: readonly OutboxMessage[], owedElsewhere: readonly OwedRow[]): GatedBatch {
  const firstOwed = new Map<string, number>();
  for (const row of owedElsewhere) {
    const known = firstOwed.get(row.aggregateId);
    if (known === undefined || row.position < known) firstOwed.set(row.aggregateId, row.position);
  }
  const ready: OutboxMessage[] = [];
  const deferred: OutboxMessage[] = [];
  for (const message of claimed) {
    const blocker = firstOwed.get(message.aggregateId);
    (blocker !== undefined && blocker < message.position ? deferred : ready).push(message);
  }
  return { ready, deferred };
}

type Query = (sql: string, parameters: unknown[]) => Promise<Array<{ aggregateid: string; position: number | string }>>;

/**
 * Looks up the unsettled rows of the batch's aggregates that come before the batch's last row, and gates the batch.
 * Runs after the claim, on the claiming connection; it reads without locks, so it never waits for another relay.
 */
export async function gateByAggregateOrder(
  query: Query,
  claimed: readonly OutboxMessage[],
  forceIndex: (name: string) => string,
): Promise<GatedBatch> {
  if (claimed.length === 0) return { ready: [], deferred: [] };
  const aggregateIds = [...new Set(claimed.map((m) => m.aggregateId))];
  const last = claimed.reduce((max, m) => Math.max(max, m.position), 0);
  const rows = await query(
    `SELECT aggregateid, position FROM outbox_messages ${forceIndex('ix_outbox_aggregate')}
      WHERE aggregateid IN (${placeholders(aggregateIds.length)}) AND position < ? AND ${UNSETTLED}`,
    [...aggregateIds, last],
  );
  const inBatch = new Set(claimed.map((m) => m.position));
  const owedElsewhere = rows
    .map((row) => ({ aggregateId: row.aggregateid, position: Number(row.position) }))
    .filter((row) => !inBatch.has(row.position));
  return holdBackOutOfOrder(claimed, owedElsewhere);
}
