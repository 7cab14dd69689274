/**
 * The `idempotency_keys` table. A key is claimed by statements that commit at once, before the command's unit of
 * work opens (so a second request with the same key sees it at once and gets 409 instead of waiting on a lock),
 * then completed inside that unit of work: the stored response commits together with the customer and its outbox
 * rows, or not at all. Releasing a claim and purging expired keys are statements of their own as well.
 */
import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ExponentialBackoff, handleWhen, retry, TaskCancelledError } from 'cockatiel';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DatabaseResilience } from '../database/database-resilience';
import { isTransientConcurrencyError, isUniqueViolation } from '../database/sql-dialect';
import { underSqliteWriteLock } from '../database/sqlite-write-lock';
import { UnitOfWork } from '../database/unit-of-work';

export interface StoredResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export type ClaimOutcome =
  | { readonly kind: 'claimed'; readonly token: string }
  | { readonly kind: 'replay'; readonly response: StoredResponse }
  | { readonly kind: 'key-reused-with-other-request' }
  | { readonly kind: 'in-flight' };

/** The request hash of a key whose resource was erased (not a SHA-256 in hex, so it matches no request). */
const FORGOTTEN_REQUEST_HASH = 'erased';

/**
 * The columns of a stored response once its resource was erased (see forgetResource); legacy capture's triggers
 * write the same when the legacy code erases a customer.
 */
export const FORGOTTEN_RESPONSE = {
  response_status: 410,
  response_headers: '{}',
  response_body: 'null',
  request_hash: FORGOTTEN_REQUEST_HASH,
} as const;

/** How long a claim protects a request that is still running; a crashed request's key frees itself after this. */
const IN_FLIGHT_LOCK_MS = 60_000;

/** A deadlock victim or a lock-wait timeout is run again, up to three times after the first (as a unit of work). */
const retryOnTransientConflict = retry(handleWhen(isTransientConcurrencyError), {
  maxAttempts: 3,
  backoff: new ExponentialBackoff({ initialDelay: 5, maxDelay: 200 }),
});

interface KeyRow {
  request_hash: string;
  state: 'in_flight' | 'completed';
  claim_token: string;
  locked_until: Date | string;
  expires_at: Date | string;
  response_status: number | null;
  response_headers: string | null;
  response_body: string | null;
}

@Injectable()
export class IdempotencyStore {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly resilience: DatabaseResilience,
    private readonly config: AppConfig,
  ) {}

  /** Each step is a statement committed on its own, before the command's unit of work opens. */
  async claim(key: string, requestHash: string, now = new Date()): Promise<ClaimOutcome> {
    const db = {
      query: <T = unknown>(sql: string, params: unknown[]) =>
        this.committedAtOnce(() => this.dataSource.query<T>(sql, params)),
    };
    for (let attempt = 0; attempt < 5; attempt++) {
      const token = randomUUID();
      try {
        await db.query(
          `INSERT INTO idempotency_keys (idempotency_key, request_hash, state, claim_token, locked_until, created_at, expires_at)
           VALUES (?, ?, 'in_flight', ?, ?, ?, ?)`,
          [
            key,
            requestHash,
            token,
            toDb(addMs(now, IN_FLIGHT_LOCK_MS)),
            toDb(now),
            toDb(addMs(now, this.config.idempotencyTtlHours * 3_600_000)),
          ],
        );
        return { kind: 'claimed', token };
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
      const [row] = await db.query<KeyRow[]>('SELECT * FROM idempotency_keys WHERE idempotency_key = ?', [key]);
      if (!row) continue; // released or purged between our INSERT and SELECT: try again
      if (fromDb(row.expires_at) <= now) {
        await db.query('DELETE FROM idempotency_keys WHERE idempotency_key = ? AND claim_token = ?', [
          key,
          row.claim_token,
        ]);
        continue;
      }
      // A forgotten key no longer knows its request: whatever is replayed with it, the answer is that it is gone.
      if (row.request_hash === FORGOTTEN_REQUEST_HASH && row.state === 'completed') {
        return { kind: 'replay', response: { status: 410, headers: {}, body: null } };
      }
      if (row.request_hash !== requestHash) return { kind: 'key-reused-with-other-request' };
      if (row.state === 'completed') {
        return {
          kind: 'replay',
          response: {
            status: Number(row.response_status),
            headers: JSON.parse(row.response_headers ?? '{}') as Record<string, string>,
            body: JSON.parse(row.response_body ?? 'null'),
          },
        };
      }
      if (fromDb(row.locked_until) > now) return { kind: 'in-flight' };
      // The first request died without completing or releasing: take its claim over.
      const taken = await this.committedAtOnce(() =>
        this.dataSource
          .createQueryBuilder()
          .update('idempotency_keys')
          .set({ claim_token: token, locked_until: toDb(addMs(now, IN_FLIGHT_LOCK_MS)) })
          .where('idempotency_key = :key AND claim_token = :old', { key, old: row.claim_token })
          .execute(),
      );
      if (taken.affected === 1) return { kind: 'claimed', token };
    }
    return { kind: 'in-flight' };
  }

  /** Stores the response in the caller's unit of work. False when another request took the claim over meanwhile. */
  async complete(key: string, token: string, response: StoredResponse, resourceId: string | null): Promise<boolean> {
    const result = await this.unitOfWork.manager
      .createQueryBuilder()
      .update('idempotency_keys')
      .set({
        state: 'completed',
        resource_id: resourceId,
        response_status: response.status,
        response_headers: JSON.stringify(response.headers),
        response_body: JSON.stringify(response.body),
      })
      .where("idempotency_key = :key AND claim_token = :token AND state = 'in_flight'", { key, token })
      .execute();
    return result.affected === 1;
  }

  /** Frees a claim whose request failed, so the client may retry with the same key. */
  async release(key: string, token: string): Promise<void> {
    await this.committedAtOnce(() =>
      this.dataSource.query(
        "DELETE FROM idempotency_keys WHERE idempotency_key = ? AND claim_token = ? AND state = 'in_flight'",
        [key, token],
      ),
    );
  }

  /**
   * Replaces stored responses about a resource whose personal data was erased: a replay then says the resource is
   * gone instead of handing the erased data back. The request hash goes too: it is a digest of the body that held
   * the data, and with few unknowns (a CPF has 11 digits) a digest can be reversed by trying. Runs in the caller's
   * unit of work.
   */
  async forgetResource(resourceId: string): Promise<void> {
    await this.unitOfWork.manager
      .createQueryBuilder()
      .update('idempotency_keys')
      .set(FORGOTTEN_RESPONSE)
      .where('resource_id = :resourceId', { resourceId })
      .execute();
  }

  /** Deletes keys past their retention in small batches. */
  async purgeExpired(now = new Date(), batchSize = 500): Promise<number> {
    let purged = 0;
    for (;;) {
      const rows = await this.committedAtOnce(() =>
        this.dataSource.query<Array<{ idempotency_key: string }>>(
          'SELECT idempotency_key FROM idempotency_keys WHERE expires_at < ? LIMIT ?',
          [toDb(now), batchSize],
        ),
      );
      if (rows.length === 0) return purged;
      await this.committedAtOnce(() =>
        this.dataSource
          .createQueryBuilder()
          .delete()
          .from('idempotency_keys')
          .where('idempotency_key IN (:...keys) AND expires_at < :now', {
            keys: rows.map((r) => r.idempotency_key),
            now: toDb(now),
          })
          .execute(),
      );
      purged += rows.length;
    }
  }

  /**
   * One statement outside any unit of work, under the resilience policies a unit of work has (timeout, breaker,
   * retry of a transient conflict) and, on SQLite, the connection's write lock. Never called inside a unit of work:
   * it would wait for that unit's lock on SQLite.
   */
  private committedAtOnce<T>(statement: () => Promise<T>): Promise<T> {
    return this.resilience.execute((answered) =>
      retryOnTransientConflict.execute(() =>
        underSqliteWriteLock(this.dataSource, () => {
          if (answered.aborted) throw new TaskCancelledError('the caller was answered with a timeout');
          return statement();
        }),
      ),
    );
  }
}

function addMs(date: Date, ms: number): Date {
  return new Date(date.getTime() + ms);
}

/**
 * Times go to the database as 'YYYY-MM-DD HH:MM:SS.mmm' UTC text: MySQL DATETIME(3) takes it as is (the pool runs
 * with timezone Z), and in SQLite it sorts and compares correctly as text.
 */
export function toDb(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

export function fromDb(value: Date | string): Date {
  return value instanceof Date ? value : new Date(`${value.replace(' ', 'T')}Z`);
}
