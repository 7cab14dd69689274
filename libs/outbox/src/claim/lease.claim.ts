/**
 * The `lease` claim, for servers without SKIP LOCKED and for SQLite: a single UPDATE stamps up to `limit` due rows
 * with this claim's token in `lease_owner` and an expiry in `lease_until`, then the relay reads back exactly the rows
 * carrying its token. Every statement is short and commits at once, so no lock is held while publishing.
 *
 * A relay that dies leaves its lease behind; once `lease_until` passes, the rows are due again and another relay
 * takes them. A lease that expires while its relay is still publishing (a publish slower than OUTBOX_LEASE_MS) can
 * lead to a duplicate, never to a loss: published marks do not depend on the lease, failure marks do.
 */
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import type { DataSource } from 'typeorm';
import { dialectOf, isTransientConcurrencyError, SqliteWriteLock, toDb } from '@customerflow/platform';
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

// Two relays' claim UPDATEs and mark UPDATEs touch the same index entries in different orders, so InnoDB may pick
// one as a deadlock victim; the statement is simply run again.
const onLockConflict = retry(handleWhen(isTransientConcurrencyError), {
  maxAttempts: 5,
  backoff: new ExponentialBackoff({ initialDelay: 5, maxDelay: 200 }),
});

type Execute = (sql: string, parameters: unknown[]) => Promise<unknown>;

export class LeaseClaim implements OutboxClaim {
  readonly mode = 'lease' as const;
  private readonly sqlite: boolean;
  /** Autocommit statements on the pool (MySQL), or under the write lock on the one connection (SQLite). */
  private readonly execute: Execute;
  private claims = 0;

  constructor(
    dataSource: DataSource,
    private readonly owner: string,
    private readonly leaseMs: number,
  ) {
    this.sqlite = dialectOf(dataSource) === 'sqlite';
    this.execute = this.sqlite
      ? sqliteExecutor(dataSource)
      : (sql, parameters) => onLockConflict.execute(() => dataSource.query(sql, parameters));
  }

  async claim(limit: number, now: Date): Promise<ClaimedBatch | null> {
    // A token per claim, so "my rows" never includes a row left over from an earlier batch of this relay.
    const token = `${this.owner}/${++this.claims}`;
    const due = `${UNSETTLED} AND available_at <= ? AND (lease_until IS NULL OR lease_until <= ?)`;
    const parameters = [token, toDb(new Date(now.getTime() + this.leaseMs)), toDb(now), toDb(now), limit];
    if (this.sqlite) {
      await this.execute(
        `UPDATE outbox_messages SET lease_owner = ?, lease_until = ?
          WHERE position IN (SELECT position FROM outbox_messages WHERE ${due} ORDER BY position LIMIT ?)`,
        parameters,
      );
    } else {
      // At READ COMMITTED (every pooled connection is, see the platform's data-source options): no gap locks, so
      // writers appending rows never wait on the claim.
      await this.execute(
        `UPDATE outbox_messages FORCE INDEX (ix_outbox_pending) SET lease_owner = ?, lease_until = ?
          WHERE ${due} ORDER BY position LIMIT ?`,
        parameters,
      );
    }
    const rows = (await this.execute(
      `SELECT ${MESSAGE_COLUMNS} FROM outbox_messages WHERE lease_owner = ? ORDER BY position`,
      [token],
    )) as OutboxMessageRow[];
    if (rows.length === 0) return null;
    try {
      const gated = await gateByAggregateOrder(
        (sql, params) =>
          this.execute(sql, params) as Promise<Array<{ aggregateid: string; position: number | string }>>,
        rows.map(toOutboxMessage),
        (name) => (this.sqlite ? '' : `FORCE INDEX (${name})`),
      );
      return new LeasedBatch(this.execute, token, gated.ready, gated.deferred.length, rows.length, this.sqlite);
    } catch (error) {
      await releaseLease(this.execute, token).catch(() => undefined); // or it waits for the lease to expire
      throw error;
    }
  }
}

/** The part of better-sqlite3's Database the relay uses. */
interface SqliteConnection {
  prepare(sql: string): {
    readonly reader: boolean;
    all(...parameters: unknown[]): unknown[];
    run(...parameters: unknown[]): unknown;
  };
}

/**
 * SQLite: TypeORM gives every caller the one connection, so a relay statement issued while a unit of work is
 * between its BEGIN and COMMIT would run inside that transaction: the claim could see (and publish) outbox rows
 * that are then rolled back, and a published mark could be rolled back with someone else's work. So each relay
 * statement takes the connection's write lock, which a unit of work holds from BEGIN to COMMIT, and runs on the
 * driver's connection directly (better-sqlite3 answers with its own result shapes, `changes` included).
 */
function sqliteExecutor(dataSource: DataSource): Execute {
  const connection = (dataSource.driver as unknown as { databaseConnection: SqliteConnection }).databaseConnection;
  const lock = SqliteWriteLock.of(dataSource)!;
  return (sql, parameters) =>
    lock.hold(() => {
      const statement = connection.prepare(sql);
      return statement.reader ? statement.all(...parameters) : statement.run(...parameters);
    });
}

class LeasedBatch implements ClaimedBatch {
  constructor(
    private readonly execute: Execute,
    private readonly token: string,
    readonly messages: readonly OutboxMessage[],
    readonly deferred: number,
    private readonly claimed: number,
    private readonly sqlite: boolean,
  ) {}

  async settle(results: PublishResults, now: Date): Promise<void> {
    const scrubbed = this.sqlite ? await this.swapInScrubbedPayloads(results) : 0;
    await recordResults(this.execute, results, now, this.token);
    // SQLite keeps the pages it rewrote in the WAL and the old ones in the main file until a checkpoint; after
    // scrubbing erased data, checkpoint and truncate at once so neither file holds it (secure_delete zeroes the rest).
    if (scrubbed > 0) await this.execute('PRAGMA wal_checkpoint(TRUNCATE)', []);
    // Recorded rows already dropped their lease; give back the rest (held back, or not sent) at once rather than
    // letting them wait for the expiry.
    if (results.published.length + results.failed.length < this.claimed) await releaseLease(this.execute, this.token);
  }

  /** SQLite only: the swap recordResults would do in its marks, done first so we learn whether there was one. */
  private async swapInScrubbedPayloads(results: PublishResults): Promise<number> {
    const settled = [
      ...results.published,
      ...results.failed.filter((f) => f.verdict.kind === 'dead-letter').map((f) => f.message),
    ].map((m) => m.position);
    if (settled.length === 0) return 0;
    const outcome = (await this.execute(
      `UPDATE outbox_messages SET payload = scrubbed_payload, scrubbed_payload = NULL
        WHERE position IN (${settled.map(() => '?').join(', ')}) AND scrubbed_payload IS NOT NULL AND lease_owner = ?`,
      [...settled, this.token],
    )) as { changes?: number };
    return outcome.changes ?? 0;
  }
}

function releaseLease(execute: Execute, token: string): Promise<unknown> {
  return execute('UPDATE outbox_messages SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?', [token]);
}
