/**
 * What operators see of the outbox and what they can do about it, behind the admin endpoints: the backlog in
 * numbers, the dead letters, and requeueing one after its cause is fixed. Reads and writes the table directly; it
 * does not need a relay in this process.
 */
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { dialectOf, fromDb, toDb } from '@customerflow/platform';
import { OutboxSignal } from './outbox-signal';
import { UNSETTLED } from './outbox-message';

export interface OutboxStats {
  /** Unpublished rows waiting for a relay (including rows in backoff), not under a live lease. */
  readonly pending: number;
  /**
   * Unpublished rows a relay holds under a live lease right now. With the skip-locked claim a batch is held by row
   * locks for the few milliseconds it takes to publish, which no other session can count: those rows show as pending.
   */
  readonly inFlight: number;
  readonly deadLetters: number;
  /** Age of the oldest unpublished, not dead-lettered event; 0 when there is none. */
  readonly oldestPendingAgeMs: number;
  readonly publishedLastMinute: number;
}

export interface DeadLetterView {
  readonly id: string;
  readonly type: string;
  readonly aggregateId: string;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly occurredAt: string;
  readonly deadLetteredAt: string;
}

export type RequeueOutcome = 'requeued' | 'not-found' | 'not-dead-lettered';

interface CountsRow {
  pending: number | string | null;
  in_flight: number | string | null;
  oldest: Date | string | null;
}

interface DeadLetterRow {
  id: string;
  type: string;
  aggregateid: string;
  attempts: number | string;
  last_error: string | null;
  occurred_at: Date | string;
  dead_lettered_at: Date | string;
}

@Injectable()
export class OutboxAdmin {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly signal: OutboxSignal,
  ) {}

  async stats(now = new Date()): Promise<OutboxStats> {
    const at = toDb(now);
    const [counts] = await this.dataSource.query<CountsRow[]>(
      `SELECT SUM(CASE WHEN lease_until > ? THEN 0 ELSE 1 END) AS pending,
              SUM(CASE WHEN lease_until > ? THEN 1 ELSE 0 END) AS in_flight,
              MIN(occurred_at) AS oldest
         FROM outbox_messages ${this.index('ix_outbox_pending')} WHERE ${UNSETTLED}`,
      [at, at],
    );
    const [dead] = await this.dataSource.query<Array<{ count: number | string }>>(
      `SELECT COUNT(*) AS count FROM outbox_messages ${this.index('ix_outbox_pending')}
        WHERE published_at IS NULL AND dead_lettered_at IS NOT NULL`,
    );
    const [recent] = await this.dataSource.query<Array<{ count: number | string }>>(
      `SELECT COUNT(*) AS count FROM outbox_messages ${this.index('ix_outbox_published')} WHERE published_at >= ?`,
      [toDb(new Date(now.getTime() - 60_000))],
    );
    return {
      pending: Number(counts?.pending ?? 0),
      inFlight: Number(counts?.in_flight ?? 0),
      deadLetters: Number(dead?.count ?? 0),
      oldestPendingAgeMs: counts?.oldest ? Math.max(0, now.getTime() - fromDb(counts.oldest).getTime()) : 0,
      publishedLastMinute: Number(recent?.count ?? 0),
    };
  }

  /** Dead letters in commit order, so requeueing them from the top keeps each customer's events in order. */
  async deadLetters(limit: number): Promise<DeadLetterView[]> {
    const rows = await this.dataSource.query<DeadLetterRow[]>(
      `SELECT id, type, aggregateid, attempts, last_error, occurred_at, dead_lettered_at
         FROM outbox_messages WHERE published_at IS NULL AND dead_lettered_at IS NOT NULL
        ORDER BY position LIMIT ?`,
      [limit],
    );
    return rows.map((row) => ({
      id: row.id,
      type: row.type,
      aggregateId: row.aggregateid,
      attempts: Number(row.attempts),
      lastError: row.last_error,
      occurredAt: fromDb(row.occurred_at).toISOString(),
      deadLetteredAt: fromDb(row.dead_lettered_at).toISOString(),
    }));
  }

  /** Puts a dead letter back in line with fresh attempts, due now, and wakes the relay. */
  async requeue(id: string, now = new Date()): Promise<RequeueOutcome> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update('outbox_messages')
      .set({ dead_lettered_at: null, attempts: 0, available_at: toDb(now), lease_owner: null, lease_until: null })
      .where('id = :id AND dead_lettered_at IS NOT NULL AND published_at IS NULL', { id })
      .execute();
    if (result.affected === 1) {
      this.signal.wake();
      return 'requeued';
    }
    const [row] = await this.dataSource.query<Array<{ id: string }>>('SELECT id FROM outbox_messages WHERE id = ?', [
      id,
    ]);
    return row ? 'not-dead-lettered' : 'not-found';
  }

  private index(name: string): string {
    return dialectOf(this.dataSource) === 'mysql' ? `FORCE INDEX (${name})` : '';
  }
}
