/**
 * The unit of work: one command, one transaction. Everything a command writes (aggregate rows, outbox rows, the
 * idempotency record, changes made by in-transaction domain-event handlers) goes through `manager` and commits
 * together or not at all. A deadlock or lock-wait timeout retries the whole unit a bounded number of times, which
 * is safe because nothing has been committed or sent when it is thrown.
 *
 * One AsyncLocalStorage carries the unit of work through the async calls of a command: the transaction's entity
 * manager and the hooks to run after its commit. (A request context library would be a second context for the same
 * job; this is the only one a request opens, and only when it writes.)
 *
 * On MySQL every pooled connection is at READ COMMITTED already (set once when the pool opens it, see
 * writer-session.ts), so a unit of work costs no `SET TRANSACTION` round trip.
 *
 * On SQLite (the embedded default) a unit of work holds the connection's write lock from BEGIN to COMMIT (see
 * sqlite-write-lock.ts), so units of work run one at a time there and no other writer's statement lands in one.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ExponentialBackoff, handleWhen, retry, TaskCancelledError } from 'cockatiel';
import type { DataSource, EntityManager } from 'typeorm';
import { DatabaseResilience } from './database-resilience';
import { isTransientConcurrencyError } from './sql-dialect';
import { SqliteWriteLock } from './sqlite-write-lock';

/** Tries of one unit of work in all: the first and up to three after a deadlock or lock-wait timeout. */
const UNIT_OF_WORK_MAX_ATTEMPTS = 4;

type AfterCommit = () => void;

interface Transaction {
  readonly manager: EntityManager;
  readonly afterCommit: AfterCommit[];
}

@Injectable()
export class UnitOfWork {
  private readonly logger = new Logger(UnitOfWork.name);
  private readonly current = new AsyncLocalStorage<Transaction>();
  private readonly retryOnTransientConflict = retry(handleWhen(isTransientConcurrencyError), {
    maxAttempts: UNIT_OF_WORK_MAX_ATTEMPTS - 1,
    backoff: new ExponentialBackoff({ initialDelay: 5, maxDelay: 200 }),
  });

  /** Null on MySQL, where transactions run side by side. */
  private readonly sqliteWriteLock: SqliteWriteLock | null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly resilience: DatabaseResilience,
  ) {
    this.sqliteWriteLock = SqliteWriteLock.of(dataSource);
    this.retryOnTransientConflict.onRetry(({ attempt }) =>
      this.logger.warn(`transient lock conflict, retrying unit of work (attempt ${attempt + 1})`),
    );
  }

  /** The transaction's entity manager inside `run`, the plain one outside. */
  get manager(): EntityManager {
    return this.current.getStore()?.manager ?? this.dataSource.manager;
  }

  /** Runs `work` in a transaction; called inside another unit of work it joins that one (and its retries). */
  run<T>(work: () => Promise<T>): Promise<T> {
    if (this.current.getStore()) return work();
    return this.resilience.execute((answered) =>
      this.retryOnTransientConflict.execute(() => this.attempt(work, answered)),
    );
  }

  /** Defers `hook` until the enclosing unit of work has committed; runs it at once outside one. Never after a rollback. */
  afterCommit(hook: AfterCommit): void {
    const transaction = this.current.getStore();
    if (transaction) transaction.afterCommit.push(hook);
    else hook();
  }

  /** `answered` fires when the caller already got a timeout: the work must then roll back, not commit. */
  private attempt<T>(work: () => Promise<T>, answered: AbortSignal): Promise<T> {
    if (!this.sqliteWriteLock) return this.transaction(work, answered);
    return this.sqliteWriteLock.hold(() => this.transaction(work, answered));
  }

  private async transaction<T>(work: () => Promise<T>, answered: AbortSignal): Promise<T> {
    const afterCommit: AfterCommit[] = [];
    const result = await this.dataSource.transaction((manager) =>
      this.current.run({ manager, afterCommit }, async () => {
        if (answered.aborted) throw new TaskCancelledError('the caller was answered with a timeout');
        const value = await work();
        if (answered.aborted) throw new TaskCancelledError('the caller was answered with a timeout; rolling back');
        return value;
      }),
    );
    for (const hook of afterCommit) {
      try {
        hook();
      } catch (error) {
        this.logger.error(`after-commit hook failed: ${(error as Error).message}`);
      }
    }
    return result;
  }
}
