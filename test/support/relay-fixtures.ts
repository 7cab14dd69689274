/**
 * Object mothers for outbox rows in relay tests: valid CloudEvents envelopes (version 1 registers the customer,
 * later versions update its name) and a fast bulk insert that writes rows the way OutboxWriter does.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { toDb } from '../../libs/platform/src';

export const REGISTERED = 'customerflow.customer.registered.v1';
export const UPDATED = 'customerflow.customer.updated.v1';

export interface OutboxRowSpec {
  readonly customerId: string;
  readonly version: number;
  /** Overrides the event type (and so the routing key), e.g. to make a row unpublishable. */
  readonly type?: string;
  readonly traceparent?: string;
  readonly occurredAt?: Date;
  /** Extra state for retention/admin tests. */
  readonly publishedAt?: Date | null;
  readonly deadLetteredAt?: Date | null;
  readonly attempts?: number;
  readonly lastError?: string | null;
}

export interface InsertedRow {
  readonly id: string;
  readonly customerId: string;
  readonly version: number;
  readonly type: string;
  readonly payload: string;
  readonly traceparent: string;
}

export function traceparent(): string {
  return `00-${randomBytes(16).toString('hex')}-${randomBytes(8).toString('hex')}-01`;
}

export function envelope(spec: OutboxRowSpec, id: string, trace: string): Record<string, unknown> {
  const time = (spec.occurredAt ?? new Date()).toISOString();
  const base = {
    specversion: '1.0',
    id,
    source: '/customerflow',
    subject: spec.customerId,
    time,
    datacontenttype: 'application/json',
    sequence: String(spec.version),
    traceparent: trace,
  };
  if (spec.version === 1) {
    return {
      ...base,
      type: spec.type ?? REGISTERED,
      data: {
        id: spec.customerId,
        name: `Customer ${spec.customerId}`,
        email: `customer-${spec.customerId}@example.com`,
        phone: null,
        document: null,
        birthDate: null,
        status: 'active',
        addresses: [],
        createdAt: time,
        updatedAt: time,
        version: 1,
      },
    };
  }
  return {
    ...base,
    type: spec.type ?? UPDATED,
    data: {
      id: spec.customerId,
      version: spec.version,
      updatedAt: time,
      changes: { name: `Customer ${spec.customerId} v${spec.version}` },
    },
  };
}

/**
 * Inserts rows in the given order (so `position` follows it), in chunks of one multi-row INSERT each. Pass a
 * transaction's EntityManager to make them all visible at once.
 */
export async function insertOutboxRows(
  dataSource: DataSource | EntityManager,
  specs: readonly OutboxRowSpec[],
  chunk = 1000,
): Promise<InsertedRow[]> {
  const inserted: InsertedRow[] = [];
  const columns = [
    'id',
    'aggregatetype',
    'aggregateid',
    'type',
    'payload',
    'headers',
    'occurred_at',
    'available_at',
    'published_at',
    'dead_lettered_at',
    'attempts',
    'last_error',
  ];
  for (let start = 0; start < specs.length; start += chunk) {
    const part = specs.slice(start, start + chunk);
    const parameters: unknown[] = [];
    for (const spec of part) {
      const id = randomUUID();
      const trace = spec.traceparent ?? traceparent();
      const event = envelope(spec, id, trace);
      const payload = JSON.stringify(event);
      const occurredAt = spec.occurredAt ?? new Date();
      parameters.push(
        id,
        'customer',
        spec.customerId,
        event.type,
        payload,
        JSON.stringify({ traceparent: trace }),
        toDb(occurredAt),
        toDb(occurredAt),
        spec.publishedAt ? toDb(spec.publishedAt) : null,
        spec.deadLetteredAt ? toDb(spec.deadLetteredAt) : null,
        spec.attempts ?? 0,
        spec.lastError ?? null,
      );
      inserted.push({
        id,
        customerId: spec.customerId,
        version: spec.version,
        type: String(event.type),
        payload,
        traceparent: trace,
      });
    }
    const values = part.map(() => `(${columns.map(() => '?').join(', ')})`).join(', ');
    await dataSource.query(`INSERT INTO outbox_messages (${columns.join(', ')}) VALUES ${values}`, parameters);
  }
  return inserted;
}

/**
 * `customers` customers with `versions` events each, interleaved at random as concurrent traffic would commit them,
 * each customer's events in version order.
 */
export function interleavedHistory(customers: number, versions: number, firstCustomerId = 1): OutboxRowSpec[] {
  const next = Array.from({ length: customers }, () => 1);
  const open = Array.from({ length: customers }, (_, c) => c);
  const specs: OutboxRowSpec[] = [];
  while (open.length > 0) {
    const slot = Math.floor(Math.random() * open.length);
    const c = open[slot];
    specs.push({ customerId: String(firstCustomerId + c), version: next[c]++ });
    if (next[c] > versions) open.splice(slot, 1);
  }
  return specs;
}

export interface DeliveryAnalysis {
  /** Inserted event ids never received. */
  readonly lost: string[];
  /** Messages received beyond the first copy of their id. */
  readonly duplicates: number;
  /** Customers whose first copies arrived out of `sequence` order, with what was seen. */
  readonly outOfOrder: string[];
  readonly unexpected: number;
}

/** Compares what a consumer received (bodies, in arrival order) with what was inserted. */
export function analyseDeliveries(bodies: readonly string[], inserted: readonly InsertedRow[]): DeliveryAnalysis {
  const expected = new Set(inserted.map((row) => row.id));
  const seen = new Set<string>();
  const lastSequence = new Map<string, number>();
  const outOfOrder: string[] = [];
  let duplicates = 0;
  let unexpected = 0;
  for (const body of bodies) {
    const event = JSON.parse(body) as { id: string; subject: string; sequence: string };
    if (!expected.has(event.id)) unexpected++;
    if (seen.has(event.id)) {
      duplicates++; // a redelivery after a crash may repeat an older event; subscribers dedupe on id
      continue;
    }
    seen.add(event.id);
    const sequence = Number(event.sequence);
    const previous = lastSequence.get(event.subject) ?? 0;
    if (sequence <= previous) outOfOrder.push(`customer ${event.subject}: ${sequence} after ${previous}`);
    lastSequence.set(event.subject, sequence);
  }
  return { lost: [...expected].filter((id) => !seen.has(id)), duplicates, outOfOrder, unexpected };
}
