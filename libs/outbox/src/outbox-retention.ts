/**
 * Deletes published rows once they are older than OUTBOX_RETENTION_HOURS. Kept until then so operators (and CDC
 * tools) can look back; deleted in small batches by primary key, each its own short statement, so writers appending
 * to the outbox and relays marking rows never wait behind a long delete. Dead letters and unpublished rows are
 * never touched.
 */
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { dialectOf, toDb, underSqliteWriteLock } from '@customerflow/platform';
import { placeholders } from './outbox-message';

export const RETENTION_BATCH_SIZE = 500;
/** A breather between batches for the other users of the table. */
const PAUSE_BETWEEN_BATCHES_MS = 10;

export class OutboxRetention {
  private readonly logger = new Logger(OutboxRetention.name);
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly retentionHours: number,
  ) {}

  /** Deletes published rows older than the retention window; returns how many. */
  async purge(now = new Date(), batchSize = RETENTION_BATCH_SIZE): Promise<number> {
    const cutoff = toDb(new Date(now.getTime() - this.retentionHours * 3_600_000));
    const index = dialectOf(this.dataSource) === 'mysql' ? 'FORCE INDEX (ix_outbox_published)' : '';
    let deleted = 0;
    while (!this.stopped) {
      const rows = await this.dataSource.query<Array<{ position: number | string }>>(
        `SELECT position FROM outbox_messages ${index} WHERE published_at < ? ORDER BY published_at LIMIT ?`,
        [cutoff, batchSize],
      );
      if (rows.length === 0) break;
      const positions = rows.map((row) => Number(row.position));
      // On SQLite's one connection a DELETE outside the lock could land in (and roll back with) a unit of work.
      await underSqliteWriteLock(this.dataSource, () =>
        this.dataSource.query(
          `DELETE FROM outbox_messages WHERE position IN (${placeholders(positions.length)}) AND published_at < ?`,
          [...positions, cutoff],
        ),
      );
      deleted += positions.length;
      if (positions.length < batchSize) break;
      await new Promise((resolve) => setTimeout(resolve, PAUSE_BETWEEN_BATCHES_MS));
    }
    return deleted;
  }

  /** Sweeps every `intervalMs`, the first time after `firstDelayMs`. */
  start(intervalMs: number, firstDelayMs = Math.min(intervalMs, 60_000)): void {
    const schedule = (delay: number) => {
      this.timer = setTimeout(() => {
        this.sweep(intervalMs);
        schedule(intervalMs);
      }, delay);
      this.timer.unref();
    };
    schedule(firstDelayMs);
  }

  private sweep(intervalMs: number): void {
    if (this.sweeping || this.stopped) return;
    this.sweeping = this.purge()
      .then((deleted) => {
        if (deleted > 0)
          this.logger.log(`deleted ${deleted} published outbox rows older than ${this.retentionHours} h`);
      })
      .catch((error: Error) =>
        this.logger.warn(`outbox retention sweep failed, next one in ${intervalMs} ms: ${error.message}`),
      )
      .finally(() => {
        this.sweeping = null;
      });
  }

  /** Stops scheduling and waits for a sweep in progress to end its current batch. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }
}
