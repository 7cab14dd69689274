/**
 * The `skip-locked` claim (MySQL 8, MariaDB 10.6+): the batch's rows stay row-locked by one open transaction from
 * the claim until their marks are committed. Other relays skip locked rows instead of waiting for them, so they
 * claim the next rows at once. If this relay dies, its connection drops, the server rolls the transaction back and
 * the rows are claimable again immediately; nothing was marked, so nothing is lost (what was already sent is sent
 * again: delivery is at least once).
 *
 * The transaction runs at READ COMMITTED: at REPEATABLE READ InnoDB would also lock the gap after the last pending
 * row, which is exactly where writers insert new outbox rows, and hold it for as long as the batch is being
 * published.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import { toDb } from '@customerflow/platform';
import {
  MESSAGE_COLUMNS,
  type OutboxMessage,
  type OutboxMessageRow,
  toOutboxMessage,
  UNSETTLED,
} from '../outbox-message';
import { recordResults } from './batch-results';
import type { ClaimedBatch, OutboxClaim, PublishResults } from './outbox-claim';
import { gateByAggregateOrder } from './per-aggregate-order';

export class SkipLockedClaim implements OutboxClaim {
  readonly mode = 'skip-locked' as const;

  constructor(private readonly dataSource: DataSource) {}

  async claim(limit: number, now: Date): Promise<ClaimedBatch | null> {
    const runner = this.dataSource.createQueryRunner();
    try {
      await runner.connect();
      await runner.startTransaction(); // READ COMMITTED: the session's level, see the header
      // FORCE INDEX: on a small or freshly drained table the optimizer may scan the primary key instead, wading
      // through every published row still waiting for purge.
      const rows = (await runner.query(
        `SELECT ${MESSAGE_COLUMNS} FROM outbox_messages FORCE INDEX (ix_outbox_pending)
          WHERE ${UNSETTLED} AND available_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
          ORDER BY position LIMIT ? FOR UPDATE SKIP LOCKED`,
        [toDb(now), toDb(now), limit],
      )) as OutboxMessageRow[];
      if (rows.length === 0) {
        await runner.commitTransaction();
        await runner.release();
        return null;
      }
      const gated = await gateByAggregateOrder(
        (sql, parameters) => runner.query(sql, parameters),
        rows.map(toOutboxMessage),
        forceIndex,
      );
      return new LockedBatch(runner, gated.ready, gated.deferred.length);
    } catch (error) {
      await abort(runner);
      throw error;
    }
  }
}

class LockedBatch implements ClaimedBatch {
  constructor(
    private readonly runner: QueryRunner,
    readonly messages: readonly OutboxMessage[],
    readonly deferred: number,
  ) {}

  async settle(results: PublishResults, now: Date): Promise<void> {
    try {
      await recordResults((sql, parameters) => this.runner.query(sql, parameters), results, now);
      // The commit both records the outcome and releases every row: deferred and unsent rows were never changed.
      await this.runner.commitTransaction();
      await this.runner.release();
    } catch (error) {
      await abort(this.runner);
      throw error;
    }
  }
}

function forceIndex(name: string): string {
  return `FORCE INDEX (${name})`;
}

async function abort(runner: QueryRunner): Promise<void> {
  try {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
  } catch {
    // The connection is gone; the server rolls back on its own.
  }
  if (!runner.isReleased) await runner.release().catch(() => undefined);
}
