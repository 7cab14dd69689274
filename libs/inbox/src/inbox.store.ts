/**
 * The `inbox_messages` table. `accept` runs inside the command's unit of work, before the command: the row commits
 * with the command's effects and outbox rows, or not at all. A second delivery of the same CloudEvent (same
 * `source` and `id`) finds the row and is a duplicate; one that arrives while the first is still running waits on
 * the row's key lock, then sees it committed (a duplicate) or rolled back (its turn).
 */
import { Injectable } from '@nestjs/common';
import { fromDb, isUniqueViolation, toDb, UnitOfWork } from '@customerflow/platform';

export interface InboxEntry {
  readonly consumer: string;
  readonly source: string;
  readonly messageId: string;
  readonly type: string;
  /** The resource the command is about, when known before it runs (the CloudEvents subject). */
  readonly resourceId: string | null;
}

export interface InboxRecord {
  readonly resourceId: string | null;
  readonly receivedAt: Date;
}

@Injectable()
export class InboxStore {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** In the caller's unit of work: true if the message is new (its row is now written), false for a duplicate. */
  async accept(entry: InboxEntry, now = new Date()): Promise<boolean> {
    try {
      await this.unitOfWork.manager.query(
        `INSERT INTO inbox_messages (consumer, source, message_id, type, resource_id, received_at)
         VALUES (?, ?, ?, ?, ?, ?)`,
        [entry.consumer, entry.source, entry.messageId, entry.type, entry.resourceId, toDb(now)],
      );
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  /** In the caller's unit of work: the resource a command created, once it is known (a registration's new id). */
  async setResource(entry: InboxEntry, resourceId: string): Promise<void> {
    await this.unitOfWork.manager.query(
      'UPDATE inbox_messages SET resource_id = ? WHERE consumer = ? AND source = ? AND message_id = ?',
      [resourceId, entry.consumer, entry.source, entry.messageId],
    );
  }

  async find(consumer: string, source: string, messageId: string): Promise<InboxRecord | null> {
    const rows = await this.unitOfWork.run<Array<{ resource_id: string | null; received_at: Date | string }>>(() =>
      this.unitOfWork.manager.query(
        'SELECT resource_id, received_at FROM inbox_messages WHERE consumer = ? AND source = ? AND message_id = ?',
        [consumer, source, messageId],
      ),
    );
    const row = rows[0];
    return row ? { resourceId: row.resource_id, receivedAt: fromDb(row.received_at) } : null;
  }

  /** Deletes rows received before `olderThan`, `batchSize` at a time (short transactions, short locks). */
  async purgeReceivedBefore(olderThan: Date, batchSize = 500): Promise<number> {
    let purged = 0;
    for (;;) {
      const rows = await this.unitOfWork.run<Array<{ consumer: string; source: string; message_id: string }>>(() =>
        this.unitOfWork.manager.query(
          'SELECT consumer, source, message_id FROM inbox_messages WHERE received_at < ? ORDER BY received_at LIMIT ?',
          [toDb(olderThan), batchSize],
        ),
      );
      if (rows.length === 0) return purged;
      await this.unitOfWork.run(() =>
        this.unitOfWork.manager.query(
          `DELETE FROM inbox_messages WHERE ${rows.map(() => '(consumer = ? AND source = ? AND message_id = ?)').join(' OR ')}`,
          rows.flatMap((r) => [r.consumer, r.source, r.message_id]),
        ),
      );
      purged += rows.length;
      if (rows.length < batchSize) return purged;
    }
  }
}
