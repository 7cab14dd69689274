/**
 * How a relay takes rows to publish without another relay publishing them at the same time, and how it gives them
 * back. Two ways, chosen by `OUTBOX_CLAIM`:
 *
 * - `skip-locked` (MySQL 8, MariaDB 10.6+): `SELECT ... FOR UPDATE SKIP LOCKED` in a transaction held while the batch
 *   is published; marks are written in it and the commit releases the rows. A relay that dies drops its connection
 *   and the server rolls back, so its rows are free again at once.
 * - `lease` (older servers, and SQLite): one `UPDATE ... LIMIT n` stamps the rows with a lease (owner + expiry); the
 *   relay then reads back its own rows. A relay that dies leaves the lease behind, and other relays take the rows
 *   once it expires (`OUTBOX_LEASE_MS`).
 *
 * `auto` picks `skip-locked` when `SELECT VERSION()` says the server has it.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { dialectOf } from '@customerflow/platform';
import type { FailureVerdict } from '../backoff';
import type { OutboxMessage } from '../outbox-message';
import type { OutboxClaimMode } from '../outbox-options';
import { LeaseClaim } from './lease.claim';
import { SkipLockedClaim } from './skip-locked.claim';

export type ClaimMode = Exclude<OutboxClaimMode, 'auto'>;

export interface FailedPublish {
  readonly message: OutboxMessage;
  readonly verdict: FailureVerdict;
  readonly error: string;
}

export interface PublishResults {
  readonly published: readonly OutboxMessage[];
  readonly failed: readonly FailedPublish[];
}

export interface ClaimedBatch {
  /** Rows this relay may publish now, in position order. */
  readonly messages: readonly OutboxMessage[];
  /** Rows claimed but held back for per-aggregate order; `settle` releases them. */
  readonly deferred: number;
  /** Records what happened and releases every row: those neither published nor failed become claimable again. */
  settle(results: PublishResults, now: Date): Promise<void>;
}

export interface OutboxClaim {
  readonly mode: ClaimMode;
  /** Claims up to `limit` rows that are due at `now`; null when none is. */
  claim(limit: number, now: Date): Promise<ClaimedBatch | null>;
}

export interface ClaimOptions {
  readonly mode: OutboxClaimMode;
  readonly leaseMs: number;
  /** Identifies this relay in `lease_owner`; defaults to host:pid:random. */
  readonly owner?: string;
}

export async function createOutboxClaim(dataSource: DataSource, options: ClaimOptions): Promise<OutboxClaim> {
  const owner = options.owner ?? relayInstanceId();
  // SQLite has one writer at a time, so the lease UPDATE is atomic there; it also keeps the API and a separate relay
  // process on the same file from publishing a row twice.
  if (dialectOf(dataSource) === 'sqlite') return new LeaseClaim(dataSource, owner, options.leaseMs);
  const mode = options.mode === 'auto' ? claimModeForServer(await serverVersion(dataSource)) : options.mode;
  return mode === 'skip-locked' ? new SkipLockedClaim(dataSource) : new LeaseClaim(dataSource, owner, options.leaseMs);
}

/** `SKIP LOCKED` arrived in MySQL 8.0 and MariaDB 10.6. */
export function claimModeForServer(version: string): ClaimMode {
  // MariaDB used to prefix its version with 5.5.5- for old clients' sake.
  const match = /^(?:5\.5\.5-)?(\d+)\.(\d+)/.exec(version.trim());
  if (!match) return 'lease';
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (/mariadb/i.test(version)) return major > 10 || (major === 10 && minor >= 6) ? 'skip-locked' : 'lease';
  return major >= 8 ? 'skip-locked' : 'lease';
}

async function serverVersion(dataSource: DataSource): Promise<string> {
  const [row] = await dataSource.query<Array<{ version: string }>>('SELECT VERSION() AS version');
  return String(row?.version ?? '');
}

/** Short enough that `<id>/<claim number>` fits `lease_owner VARCHAR(64)`. */
export function relayInstanceId(): string {
  return `${hostname().slice(0, 32)}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
