/** The customer as REST clients and event subscribers see it (docs/contracts.md), built from the aggregate's snapshot. */
import type { CustomerRepresentation } from '@customerflow/contracts';
import type { CustomerSnapshot } from '../domain';

/**
 * The entity tag travels with a representation under a symbol: JSON (responses, events, stored idempotent replies)
 * never shows it, and the HTTP layer reads it for the ETag header.
 */
const ENTITY_TAG = Symbol('customerflow.entityTag');

type Tagged = { readonly version: number; readonly [ENTITY_TAG]?: string };

/** The ETag's value for a representation or view: its revision where the rows have one, else its version. */
export function entityTagOf(customer: { readonly version: number }): string {
  return (customer as Tagged)[ENTITY_TAG] ?? String(customer.version);
}

export function withEntityTag<T extends { readonly version: number }>(customer: T, tag: string | null | undefined): T {
  if (tag) Object.defineProperty(customer, ENTITY_TAG, { value: tag, enumerable: false });
  return customer;
}

export function toRepresentation(snapshot: CustomerSnapshot): CustomerRepresentation {
  if (snapshot.id === null || snapshot.status === 'erased') {
    throw new Error('an erased or unsaved customer has no representation');
  }
  return withEntityTag(
    {
      id: snapshot.id,
      name: snapshot.name,
      email: snapshot.email,
      phone: snapshot.phone,
      document: snapshot.document ? { type: snapshot.document.type, number: snapshot.document.number } : null,
      birthDate: snapshot.birthDate,
      status: snapshot.status,
      addresses: snapshot.addresses.map((a) => ({ ...a })),
      createdAt: snapshot.createdAt.toISOString(),
      updatedAt: snapshot.updatedAt.toISOString(),
      version: snapshot.version,
    },
    snapshot.revision,
  );
}
