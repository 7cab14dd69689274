/**
 * Raw rows of the read side's SQL and their mapping to views. Drivers differ in what they return (mysql2: Date
 * objects and string BIGINTs; better-sqlite3: UTC text and numbers); the read side's rows are evened out here.
 */
import { fromDb } from '@customerflow/platform';
import type { CustomerView } from './customer.view';

export const CUSTOMER_COLUMNS =
  'c.id, c.name, c.email, c.phone, c.document_type, c.document_number, c.birth_date, c.status, c.version, c.created_at, c.updated_at';

export interface CustomerRow {
  id: string | number;
  name: string;
  email: string;
  phone: string | null;
  document_type: 'CPF' | 'CNPJ' | null;
  document_number: string | null;
  birth_date: string | Date | null;
  status: 'active' | 'inactive' | 'erased';
  version: number | string;
  created_at: string | Date;
  updated_at: string | Date;
}

export interface AddressRow {
  customer_id: string | number;
  street: string;
  number: string;
  complement: string | null;
  district: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
}

export const ADDRESS_COLUMNS =
  'a.customer_id, a.street, a.number, a.complement, a.district, a.city, a.state, a.postal_code, a.country';

/**
 * One customer and its addresses in one round trip: the customer's columns repeated on each address row (or once,
 * with NULL address columns, when it has none). Address columns are prefixed so they cannot shadow the customer's.
 */
export const CUSTOMER_WITH_ADDRESSES_SQL = `SELECT ${CUSTOMER_COLUMNS},
    a.street AS address_street, a.number AS address_number, a.complement AS address_complement,
    a.district AS address_district, a.city AS address_city, a.state AS address_state,
    a.postal_code AS address_postal_code, a.country AS address_country
  FROM customers c LEFT JOIN customer_addresses a ON a.customer_id = c.id
  WHERE c.id = ? ORDER BY a.position`;

export interface CustomerWithAddressRow extends CustomerRow {
  address_street: string | null;
  address_number: string;
  address_complement: string | null;
  address_district: string;
  address_city: string;
  address_state: string;
  address_postal_code: string;
  address_country: string;
}

/** The rows of CUSTOMER_WITH_ADDRESSES_SQL as the customer's addresses, in order. */
export function joinedAddresses(rows: readonly CustomerWithAddressRow[]): AddressRow[] {
  return rows
    .filter((r) => r.address_street !== null)
    .map((r) => ({
      customer_id: r.id,
      street: r.address_street!,
      number: r.address_number,
      complement: r.address_complement,
      district: r.address_district,
      city: r.address_city,
      state: r.address_state,
      postal_code: r.address_postal_code,
      country: r.address_country,
    }));
}

export function toCustomerView(row: CustomerRow, addresses: readonly AddressRow[]): CustomerView {
  return {
    id: String(row.id),
    name: row.name,
    email: row.email,
    phone: row.phone,
    document:
      row.document_type && row.document_number ? { type: row.document_type, number: row.document_number } : null,
    birthDate:
      row.birth_date === null
        ? null
        : row.birth_date instanceof Date
          ? row.birth_date.toISOString().slice(0, 10)
          : row.birth_date.slice(0, 10),
    status: row.status as CustomerView['status'],
    addresses: addresses.map((a) => ({
      street: a.street,
      number: a.number,
      complement: a.complement,
      district: a.district,
      city: a.city,
      state: a.state,
      postalCode: a.postal_code,
      country: a.country,
    })),
    createdAt: fromDb(row.created_at).toISOString(),
    updatedAt: fromDb(row.updated_at).toISOString(),
    version: Number(row.version),
  };
}
