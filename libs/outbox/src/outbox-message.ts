/**
 * A row of `outbox_messages` as the relay reads it for publishing, and the SQL shapes every part of the relay
 * agrees on (what "pending" means, which columns are read), so the claim modes, the admin view and the retention
 * job can never disagree about a row's state.
 */
import { fromDb } from '@customerflow/platform';
import type { OutboxRecord } from './outbox-writer';

/** An outbox record as written (see OutboxWriter), plus what the relay needs to publish it in order. */
export interface OutboxMessage extends OutboxRecord {
  /** Commit order; within one aggregate it is the order the events must be published in. */
  readonly position: number;
  /** Failed publishes so far. */
  readonly attempts: number;
}

/** Columns selected for publishing, in the order `toOutboxMessage` expects them. */
export const MESSAGE_COLUMNS =
  'position, id, aggregatetype, aggregateid, type, payload, headers, occurred_at, attempts';

/** Neither published nor given up on: the relay still owes this row to the broker. */
export const UNSETTLED = 'published_at IS NULL AND dead_lettered_at IS NULL';

export interface OutboxMessageRow {
  position: number | string;
  id: string;
  aggregatetype: string;
  aggregateid: string;
  type: string;
  payload: string;
  headers: string | null;
  occurred_at: Date | string;
  attempts: number | string;
}

export function toOutboxMessage(row: OutboxMessageRow): OutboxMessage {
  return {
    position: Number(row.position),
    id: row.id,
    aggregateType: row.aggregatetype,
    aggregateId: row.aggregateid,
    type: row.type,
    payload: row.payload,
    headers: parseHeaders(row.headers),
    occurredAt: fromDb(row.occurred_at),
    attempts: Number(row.attempts),
  };
}

function parseHeaders(raw: string | null): Record<string, string> {
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
  } catch {
    // A header column that is not JSON must not stop the event itself from being delivered.
    return {};
  }
}

/** `?, ?, ?` for an IN list of `count` values. */
export function placeholders(count: number): string {
  return Array.from({ length: count }, () => '?').join(', ');
}
