/** Rows of `customers` / `customer_addresses` to the aggregate's snapshot and back. */
import type { AddressProps, CustomerSnapshot, DocumentType } from '../domain';
import { CustomerAddressOrmEntity } from './customer-address.orm-entity';
import { CustomerOrmEntity } from './customer.orm-entity';

export function toSnapshot(row: CustomerOrmEntity, addresses: readonly CustomerAddressOrmEntity[]): CustomerSnapshot {
  return {
    id: String(row.id),
    name: row.name,
    email: row.email,
    phone: row.phone,
    document:
      row.documentType && row.documentNumber
        ? { type: row.documentType as DocumentType, number: row.documentNumber }
        : null,
    birthDate: row.birthDate ? dateOnly(row.birthDate) : null,
    addresses: [...addresses].sort((a, b) => a.position - b.position).map(toAddressProps),
    status: row.status as CustomerSnapshot['status'],
    version: Number(row.version),
    createdAt: new Date(row.createdAt),
    updatedAt: new Date(row.updatedAt),
    erasedAt: row.erasedAt ? new Date(row.erasedAt) : null,
  };
}

export function toRow(snapshot: CustomerSnapshot): Omit<CustomerOrmEntity, 'id'> & { id?: string } {
  return {
    ...(snapshot.id ? { id: snapshot.id } : {}),
    name: snapshot.name,
    email: snapshot.email,
    phone: snapshot.phone,
    documentType: snapshot.document?.type ?? null,
    documentNumber: snapshot.document?.number ?? null,
    birthDate: snapshot.birthDate,
    status: snapshot.status,
    version: snapshot.version,
    createdAt: snapshot.createdAt,
    updatedAt: snapshot.updatedAt,
    erasedAt: snapshot.erasedAt,
  };
}

export function toAddressRows(customerId: string, addresses: readonly AddressProps[]): CustomerAddressOrmEntity[] {
  return addresses.map((address, position) =>
    Object.assign(new CustomerAddressOrmEntity(), { customerId, position, ...address }),
  );
}

function toAddressProps(row: CustomerAddressOrmEntity): AddressProps {
  return {
    street: row.street,
    number: row.number,
    complement: row.complement,
    district: row.district,
    city: row.city,
    state: row.state,
    postalCode: row.postalCode,
    country: row.country,
  };
}

/** mysql2 may hand a DATE back as a Date at UTC midnight; the domain wants 'YYYY-MM-DD'. */
function dateOnly(value: string | Date): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : value.slice(0, 10);
}
