/** The customer as REST clients and event subscribers see it (docs/contracts.md), built from the aggregate's snapshot. */
import type { CustomerRepresentation } from '@customerflow/contracts';
import type { CustomerSnapshot } from '../domain';

export function toRepresentation(snapshot: CustomerSnapshot): CustomerRepresentation {
  if (snapshot.id === null || snapshot.email === null || snapshot.status === 'erased') {
    throw new Error('an erased or unsaved customer has no representation');
  }
  return {
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
  };
}
