/**
 * Writes a batch's outcome, the same way for both claim modes: published rows get `published_at` (only if nobody
 * marked them first, so a row is never marked twice), failed rows their next attempt time or their dead-letter mark.
 * A row whose aggregate was erased while it was owed carries a `scrubbed_payload`: the published and dead-letter
 * marks swap it in, in the same statement, so the personal data it was sent with does not stay behind.
 */
import { toDb } from '@customerflow/platform';
import { placeholders } from '../outbox-message';
import type { PublishResults } from './outbox-claim';

type Execute = (sql: string, parameters: unknown[]) => Promise<unknown>;

/** Enough of the error to diagnose, without letting a huge message bloat the row. */
const MAX_ERROR_LENGTH = 2000;

/** Above this many rows the published mark is split, to keep each statement (and its locks) small. */
const MARK_CHUNK = 1000;

export async function recordResults(
  execute: Execute,
  results: PublishResults,
  now: Date,
  /** Lease mode: a failure is recorded only while the row is still under this relay's lease. */
  leaseOwner?: string,
): Promise<void> {
  const positions = results.published.map((m) => m.position);
  for (let start = 0; start < positions.length; start += MARK_CHUNK) {
    const chunk = positions.slice(start, start + MARK_CHUNK);
    await execute(
      `UPDATE outbox_messages SET published_at = ?, lease_owner = NULL, lease_until = NULL,
              payload = COALESCE(scrubbed_payload, payload), scrubbed_payload = NULL
        WHERE position IN (${placeholders(chunk.length)}) AND published_at IS NULL`,
      [toDb(now), ...chunk],
    );
  }
  const guard = leaseOwner === undefined ? '' : ' AND lease_owner = ?';
  const guardParameters = leaseOwner === undefined ? [] : [leaseOwner];
  for (const { message, verdict, error } of results.failed) {
    const lastError = error.slice(0, MAX_ERROR_LENGTH);
    if (verdict.kind === 'dead-letter') {
      await execute(
        `UPDATE outbox_messages SET attempts = ?, dead_lettered_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL,
                payload = COALESCE(scrubbed_payload, payload), scrubbed_payload = NULL
          WHERE position = ? AND published_at IS NULL${guard}`,
        [verdict.attempts, toDb(now), lastError, message.position, ...guardParameters],
      );
    } else {
      await execute(
        `UPDATE outbox_messages SET attempts = ?, available_at = ?, last_error = ?, lease_owner = NULL, lease_until = NULL
          WHERE position = ? AND published_at IS NULL${guard}`,
        [verdict.attempts, toDb(verdict.availableAt), lastError, message.position, ...guardParameters],
      );
    }
  }
}
