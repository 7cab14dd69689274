/**
 * Erasure's part in the outbox: the events an aggregate had before it was erased hold the personal data it was
 * erased for. Runs in the erasing unit of work and rewrites each of the aggregate's rows with the body the caller's
 * `scrub` makes of it:
 *
 * - rows already published (kept only for retention) and dead letters: at once, so a dead letter requeued later is
 *   published without the data;
 * - rows still owed to subscribers: they go out as they were written (in order, before the erasure event), and the
 *   relay swaps the scrubbed body in when it marks them published or dead-lettered (see claim/batch-results.ts).
 *
 * Both cases are one UPDATE per row that decides on the row's state as the database sees it at that moment, so a
 * relay marking the row concurrently either comes first (the row is settled: scrubbed now) or after (it swaps in).
 */
import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@customerflow/platform';

/** The scrubbed body of one event, or the payload itself when the event holds nothing to scrub. */
export type PayloadScrubber = (type: string, payload: string) => string;

@Injectable()
export class OutboxScrubber {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Returns how many rows held something to scrub. */
  async scrubAggregate(aggregateType: string, aggregateId: string, scrub: PayloadScrubber): Promise<number> {
    const manager = this.unitOfWork.manager;
    const rows = await manager.query<Array<{ position: number | string; type: string; payload: string }>>(
      'SELECT position, type, payload FROM outbox_messages WHERE aggregateid = ? AND aggregatetype = ? ORDER BY position',
      [aggregateId, aggregateType],
    );
    let scrubbed = 0;
    for (const row of rows) {
      const clean = scrub(row.type, row.payload);
      if (clean === row.payload) continue;
      scrubbed++;
      await manager.query(
        `UPDATE outbox_messages
            SET payload = CASE WHEN published_at IS NULL AND dead_lettered_at IS NULL THEN payload ELSE ? END,
                scrubbed_payload = CASE WHEN published_at IS NULL AND dead_lettered_at IS NULL THEN ? ELSE NULL END
          WHERE position = ?`,
        [clean, clean, row.position],
      );
    }
    return scrubbed;
  }
}
