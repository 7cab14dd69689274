/** The fault suite's ledger: what clients were told against what subscribers received. */
import type { Delivery } from './event-subscriber';
import type { Attempt } from './registration-load';

export interface Ledger {
  readonly scenario: string;
  readonly attempts: number;
  readonly acknowledged: number;
  readonly delivered: number;
  /** Acknowledged registrations that never reached the subscriber: must be 0. */
  readonly lost: number;
  /** Registrations delivered that no client ever attempted: must be 0. */
  readonly unexpected: number;
  /** Deliveries beyond the first of one event id: allowed (at-least-once), reported. */
  readonly duplicated: number;
  readonly notes: string;
}

export function registrationLedger(
  scenario: string,
  attempts: readonly Attempt[],
  deliveries: readonly Delivery[],
  notes = '',
): Ledger {
  const registered = deliveries.filter((d) => d.type === 'customerflow.customer.registered.v1');
  const deliveredIds = new Set(registered.map((d) => d.subject));
  const attemptedEmails = new Set(attempts.map((a) => a.email));
  const acknowledged = attempts.filter((a) => a.status === 201);
  return {
    scenario,
    attempts: attempts.length,
    acknowledged: acknowledged.length,
    delivered: deliveredIds.size,
    lost: acknowledged.filter((a) => !deliveredIds.has(a.customerId!)).length,
    unexpected: registered.filter((d) => !d.email || !attemptedEmails.has(d.email)).length,
    duplicated: duplicates(deliveries),
    notes,
  };
}

export function duplicates(deliveries: readonly Delivery[]): number {
  return deliveries.length - new Set(deliveries.map((d) => d.eventId)).size;
}

export function formatLedgers(ledgers: readonly Ledger[]): string {
  const header = ['scenario', 'attempts', 'acknowledged', 'delivered', 'lost', 'unexpected', 'duplicated', 'notes'];
  const rows = ledgers.map((l) =>
    [l.scenario, l.attempts, l.acknowledged, l.delivered, l.lost, l.unexpected, l.duplicated, l.notes].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
