/**
 * SQLite (the embedded default) has one connection, which TypeORM shares between all callers: a statement issued
 * while someone's transaction is between BEGIN and COMMIT runs inside that transaction (and commits or rolls back
 * with it), and a second transaction becomes a savepoint of the first. So every write to SQLite in this process
 * takes this lock: the unit of work for its whole transaction, and the writers outside one (the idempotency claim,
 * the outbox's lease claim, the WAL checkpoint, retention sweeps) for each statement. Holders run one at a time, in
 * the order they asked; nobody polls the connection. SQLite allows a single writer anyway.
 *
 * The lock belongs to the connection, so it is looked up by its DataSource: whoever holds the DataSource gets the
 * same lock, and no wiring can hand two writers on one connection two locks. MySQL has none (`of` is null): its
 * transactions run side by side on pooled connections and rely on row locks.
 */
import type { DataSource } from 'typeorm';
import { dialectOf } from './sql-dialect';

export class SqliteWriteLock {
  private static readonly byConnection = new WeakMap<DataSource, SqliteWriteLock>();

  /** The tail of the queue: settles when the last holder so far has finished. */
  private tail: Promise<unknown> = Promise.resolve();

  private constructor() {}

  /** The lock of `dataSource`'s connection; null on MySQL. */
  static of(dataSource: DataSource): SqliteWriteLock | null {
    if (dialectOf(dataSource) !== 'sqlite') return null;
    let lock = SqliteWriteLock.byConnection.get(dataSource);
    if (!lock) {
      lock = new SqliteWriteLock();
      SqliteWriteLock.byConnection.set(dataSource, lock);
    }
    return lock;
  }

  /**
   * Runs `work` once every earlier holder has finished, and releases the lock when it settles. Not re-entrant:
   * a holder that asks again waits for itself, so code inside a unit of work joins its transaction instead.
   */
  hold<T>(work: () => Promise<T> | T): Promise<T> {
    const turn = this.tail.then(work);
    this.tail = turn.catch(() => undefined);
    return turn;
  }
}

/** Runs `work` under `dataSource`'s SQLite write lock, or at once where there is none (MySQL). */
export function underSqliteWriteLock<T>(dataSource: DataSource, work: () => Promise<T> | T): Promise<T> {
  const lock = SqliteWriteLock.of(dataSource);
  return lock ? lock.hold(work) : Promise.resolve().then(work);
}
