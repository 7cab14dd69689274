/**
 * Where the read side finds customers: CustomerFlow's own tables, or a legacy schema described by the schema map.
 * Both give the queries the same few things: a SELECT of one customer, the pieces of the list's WHERE and ORDER BY,
 * the SELECT of addresses, and the mapping of rows to views. The write side loads customers through the same SQL,
 * so what GET shows and what a command starts from are the same values, and the same ETag.
 */
import { type AddressField, fromDb, type SchemaMap, type StatusMap, textOf } from '@customerflow/platform';
import type { CustomerStatus } from '../../domain';
import { withEntityTag } from '../customer-representation';
import {
  ADDRESS_COLUMNS,
  type AddressRow,
  CUSTOMER_COLUMNS,
  CUSTOMER_WITH_ADDRESSES_SQL,
  type CustomerRow,
  type CustomerWithAddressRow,
  joinedAddresses,
  toCustomerView,
} from './customer-rows';
import type { CustomerView } from './customer.view';

export interface SqlStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** A customer as the tables hold it: the view, plus what the views leave out (erasure, the stored revision). */
export interface StoredCustomer {
  readonly view: CustomerView;
  readonly status: CustomerStatus;
  readonly erasedAt: Date | null;
  /** The ETag's value: the version, or over a legacy schema the version and a digest of the rows. */
  readonly entityTag: string;
  /** Over a legacy schema: the digest of the rows alone, which the write side's UPDATE checks. */
  readonly rowDigest: string | null;
}

/** The injectable choice between the two; bound by CustomersModule from the configuration. */
export abstract class CustomerTables {
  /** The table (and joins) the list selects from, aliased `c`, and its select list. */
  abstract readonly from: string;
  abstract readonly select: string;
  abstract readonly idColumn: string;
  abstract readonly nameColumn: string;
  abstract readonly createdAtColumn: string;
  abstract readonly emailColumn: string;
  /** The condition of a status filter, and the one (without parameters) for "not erased". */
  abstract statusIs(status: 'active' | 'inactive'): SqlStatement;
  abstract readonly notErased: string;
  /** The document filter, given the number without punctuation. */
  abstract documentIs(digits: string): SqlStatement;
  /** One customer by id: its rows, turned into a StoredCustomer (or null) by `stored`. */
  abstract byId(id: string): SqlStatement;
  abstract stored(
    rows: readonly Record<string, unknown>[],
    addresses: readonly Record<string, unknown>[],
  ): StoredCustomer | null;
  /** Whether `byId` already joins the addresses (else they come from `addressesOf`). */
  abstract readonly joinsAddresses: boolean;
  /** The addresses of these customers, in order, and a list row with its addresses to the view. */
  abstract addressesOf(customerIds: readonly string[]): SqlStatement;
  abstract customerIdOfAddress(row: Record<string, unknown>): string;
  abstract toView(row: Record<string, unknown>, addresses: readonly Record<string, unknown>[]): CustomerView;
}

/** CustomerFlow's own schema (the migrations' `customers` and `customer_addresses`). */
export class OwnCustomerTables extends CustomerTables {
  readonly from = 'customers c';
  readonly select = CUSTOMER_COLUMNS;
  readonly idColumn = 'c.id';
  readonly nameColumn = 'c.name';
  readonly createdAtColumn = 'c.created_at';
  readonly emailColumn = 'c.email';
  readonly notErased = "c.status <> 'erased'";
  readonly joinsAddresses = true;

  statusIs(status: 'active' | 'inactive'): SqlStatement {
    return { sql: 'c.status = ?', parameters: [status] };
  }

  documentIs(digits: string): SqlStatement {
    return { sql: 'c.document_number = ?', parameters: [digits] };
  }

  byId(id: string): SqlStatement {
    return { sql: CUSTOMER_WITH_ADDRESSES_SQL, parameters: [id] };
  }

  stored(rows: readonly Record<string, unknown>[]): StoredCustomer | null {
    const first = rows[0] as unknown as CustomerWithAddressRow | undefined;
    if (!first) return null;
    const status = first.status;
    const view = toCustomerView(first, joinedAddresses(rows as unknown as CustomerWithAddressRow[]));
    return { view, status, erasedAt: null, entityTag: String(view.version), rowDigest: null };
  }

  addressesOf(customerIds: readonly string[]): SqlStatement {
    return {
      sql: `SELECT ${ADDRESS_COLUMNS} FROM customer_addresses a WHERE a.customer_id IN (${customerIds.map(() => '?').join(', ')}) ORDER BY a.customer_id, a.position`,
      parameters: customerIds,
    };
  }

  customerIdOfAddress(row: Record<string, unknown>): string {
    return textOf(row.customer_id);
  }

  toView(row: Record<string, unknown>, addresses: readonly Record<string, unknown>[]): CustomerView {
    return toCustomerView(row as unknown as CustomerRow, addresses as unknown as AddressRow[]);
  }
}

/** CustomerFlow's side table for what a legacy customer table has no column for (see the migration). */
export const CUSTOMER_STATE_TABLE = 'customerflow_customer_state';

const q = (identifier: string): string => `\`${identifier}\``;

/**
 * A legacy schema, through the map. Values are read as the legacy code stored them; only what the representation
 * cannot do without is evened out (a masked document loses its mask, a state comes from its legacy value).
 */
export class MappedCustomerTables extends CustomerTables {
  readonly from: string;
  readonly select: string;
  readonly idColumn: string;
  readonly nameColumn: string;
  readonly createdAtColumn: string;
  readonly emailColumn: string;
  readonly notErased: string;
  readonly joinsAddresses = false;

  constructor(readonly map: SchemaMap) {
    super();
    const t = map.customers;
    const c = t.columns;
    const col = (name: string | null): string => (name === null ? 'NULL' : `c.${q(name)}`);
    this.idColumn = col(t.id);
    this.nameColumn = col(c.name);
    this.createdAtColumn = col(c.createdAt);
    this.emailColumn = col(c.email);
    this.from = `${q(t.table)} c LEFT JOIN ${CUSTOMER_STATE_TABLE} s ON s.customer_id = ${this.idColumn}`;
    this.select = [
      `${this.idColumn} AS id`,
      `${col(c.name)} AS name`,
      `${col(c.email)} AS email`,
      `${col(c.phone)} AS phone`,
      `${col(c.document?.type ?? null)} AS document_type`,
      `${col(c.document?.number ?? null)} AS document_number`,
      `${col(c.birthDate)} AS birth_date`,
      `${col(c.status?.column ?? null)} AS legacy_status`,
      's.status AS own_status',
      c.version ? `${col(c.version)} AS version` : 'COALESCE(s.version, 1) AS version',
      `${col(c.createdAt)} AS created_at`,
      c.updatedAt ? `${col(c.updatedAt)} AS updated_at` : `COALESCE(s.updated_at, ${col(c.createdAt)}) AS updated_at`,
      c.erasedAt ? `${col(c.erasedAt)} AS erased_at` : 's.erased_at AS erased_at',
      `${this.rowDigestSql('c')} AS row_digest`,
    ].join(', ');
    this.notErased = `NOT (${this.stateCondition('erased')})`;
  }

  statusIs(status: 'active' | 'inactive'): SqlStatement {
    return { sql: this.stateCondition(status), parameters: [] };
  }

  documentIs(digits: string): SqlStatement {
    const document = this.map.customers.columns.document;
    if (!document) return { sql: '1 = 0', parameters: [] };
    const column = `c.${q(document.number)}`;
    // Compared in the stored form, so an index on the column serves it; a masked column also matches bare digits.
    if (document.format === 'digits') return { sql: `${column} = ?`, parameters: [digits] };
    return { sql: `${column} IN (?, ?)`, parameters: [maskDocument(digits), digits] };
  }

  byId(id: string): SqlStatement {
    return { sql: `SELECT ${this.select} FROM ${this.from} WHERE ${this.idColumn} = ?`, parameters: [id] };
  }

  stored(
    rows: readonly Record<string, unknown>[],
    addresses: readonly Record<string, unknown>[],
  ): StoredCustomer | null {
    const row = rows[0];
    if (!row) return null;
    const status = this.statusOf(row);
    const view = this.toView(row, addresses);
    const erasedAt = row.erased_at == null ? null : fromDb(row.erased_at as string | Date);
    const digest = textOf(row.row_digest);
    return { view, status, erasedAt, entityTag: revisionOf(view.version, digest), rowDigest: digest };
  }

  addressesOf(customerIds: readonly string[]): SqlStatement {
    const a = this.map.addresses;
    const list = customerIds.map(() => '?').join(', ');
    if (!a) {
      return {
        sql: `SELECT ${ADDRESS_COLUMNS} FROM customer_addresses a WHERE a.customer_id IN (${list}) ORDER BY a.customer_id, a.position`,
        parameters: customerIds,
      };
    }
    const fields = Object.entries(a.columns)
      .filter(([, source]) => source.kind === 'column')
      .map(([field, source]) => `a.${q((source as { column: string }).column)} AS ${q(field)}`);
    return {
      sql: `SELECT a.${q(a.customerId)} AS customer_id, ${fields.join(', ')} FROM ${q(a.table)} a WHERE a.${q(a.customerId)} IN (${list}) ORDER BY a.${q(a.customerId)}, a.${q(a.id)}`,
      parameters: customerIds,
    };
  }

  customerIdOfAddress(row: Record<string, unknown>): string {
    return textOf(row.customer_id);
  }

  toView(row: Record<string, unknown>, addresses: readonly Record<string, unknown>[]): CustomerView {
    const status = this.statusOf(row);
    const view: CustomerView = {
      id: textOf(row.id),
      name: row.name == null ? '' : textOf(row.name),
      email: row.email == null ? null : textOf(row.email),
      phone: row.phone == null || row.phone === '' ? null : textOf(row.phone),
      document: documentOf(row.document_number, row.document_type),
      birthDate: dateOnly(row.birth_date),
      status: status === 'erased' ? 'inactive' : status,
      addresses: addresses.map((a) => this.addressOf(a)),
      createdAt: fromDb(row.created_at as string | Date).toISOString(),
      updatedAt: fromDb(row.updated_at as string | Date).toISOString(),
      version: Number(row.version),
    };
    return withEntityTag(view, revisionOf(view.version, textOf(row.row_digest)));
  }

  /** The state of a row: CustomerFlow's own record where it keeps one, else the legacy value through the map. */
  statusOf(row: Record<string, unknown>): CustomerStatus {
    if (row.own_status != null) return row.own_status as CustomerStatus;
    const status = this.map.customers.columns.status;
    if (!status) return 'active';
    return legacyState(status, row.legacy_status);
  }

  /**
   * A digest of every mapped column of the customer row and of its mapped address rows, computed by the database
   * so that the read side, the write side's load and the UPDATE's WHERE all compute it from the same stored bytes.
   * QUOTE() keeps NULL and '' apart. CustomerFlow's own state row is covered by the version next to the digest.
   * SHA2 rather than MD5: MySQL 9 no longer has MD5() (nor SHA1()); SHA2 is in every MySQL and MariaDB.
   */
  rowDigestSql(alias: string): string {
    const t = this.map.customers;
    const c = t.columns;
    const columns = [
      t.id,
      c.name,
      c.email,
      c.phone,
      c.birthDate,
      c.document?.number ?? null,
      c.document?.type ?? null,
      c.status?.column ?? null,
      c.createdAt,
      c.updatedAt,
      c.version,
      c.erasedAt,
    ].filter((name): name is string => name !== null);
    const row = sha256(`CONCAT_WS('|', ${columns.map((name) => `QUOTE(${alias}.${q(name)})`).join(', ')})`);
    const a = this.map.addresses;
    if (!a) return row;
    const addressColumns = [a.id, ...Object.values(a.columns).flatMap((s) => (s.kind === 'column' ? [s.column] : []))];
    const addressRow = sha256(`CONCAT_WS('|', ${addressColumns.map((name) => `QUOTE(x.${q(name)})`).join(', ')})`);
    const addresses = `(SELECT GROUP_CONCAT(${addressRow} ORDER BY x.${q(a.id)} SEPARATOR '') FROM ${q(a.table)} x WHERE x.${q(a.customerId)} = ${alias}.${q(t.id)})`;
    return sha256(`CONCAT(${row}, COALESCE(${addresses}, ''))`);
  }

  /** The SQL condition "the row is in this state", the same decision as statusOf. */
  private stateCondition(state: CustomerStatus): string {
    const own = `COALESCE(s.status, '') = '${state}'`;
    const status = this.map.customers.columns.status;
    let legacy: string;
    if (!status) legacy = state === 'active' ? 'TRUE' : 'FALSE';
    else {
      const column = `c.${q(status.column)}`;
      const is = (value: string | number) => `${column} <=> ${sqlLiteral(value)}`;
      const { active, erased } = status.values;
      if (state === 'inactive') {
        // Everything that is neither active nor erased is inactive, including values the map does not know.
        legacy = `NOT (${is(active!)})${erased === undefined ? '' : ` AND NOT (${is(erased)})`}`;
      } else {
        const value = status.values[state];
        legacy = value === undefined ? 'FALSE' : is(value);
      }
    }
    return `(${own} OR (s.status IS NULL AND ${legacy}))`;
  }

  private addressOf(row: Record<string, unknown>) {
    const value = (field: AddressField): string | null => {
      const source = this.map.addresses ? this.map.addresses.columns[field] : null;
      if (source?.kind === 'constant') return source.value;
      if (source?.kind === 'absent') return null;
      const raw = source ? row[field] : row[field === 'postalCode' ? 'postal_code' : field];
      return raw == null ? null : textOf(raw);
    };
    return {
      street: value('street') ?? '',
      number: value('number') ?? '',
      complement: value('complement'),
      district: value('district') ?? '',
      city: value('city') ?? '',
      state: value('state') ?? '',
      postalCode: value('postalCode') ?? '',
      country: value('country') ?? '',
    };
  }
}

/** `3.9f86d081884c7d65`: the version, and enough of the digest that another writer's change shows. */
const sha256 = (expression: string) => `SHA2(${expression}, 256)`;

export function revisionOf(version: number, digest: string): string {
  return `${version}.${digest.slice(0, 16)}`;
}

/** The state a legacy value stands for: active, erased where the map has a value for it, otherwise inactive. */
export function legacyState(status: StatusMap, value: unknown): CustomerStatus {
  const same = (mapped: string | number | undefined) =>
    mapped !== undefined && value != null && String(mapped) === textOf(value);
  if (same(status.values.active)) return 'active';
  if (same(status.values.erased)) return 'erased';
  return 'inactive';
}

/** 52998224725 → 529.982.247-25; 11222333000181 → 11.222.333/0001-81; anything else as given. */
export function maskDocument(digits: string): string {
  if (/^\d{11}$/.test(digits)) return digits.replace(/^(\d{3})(\d{3})(\d{3})(\d{2})$/, '$1.$2.$3-$4');
  if (/^[0-9A-Z]{12}\d{2}$/.test(digits)) return digits.replace(/^(.{2})(.{3})(.{3})(.{4})(.{2})$/, '$1.$2.$3/$4-$5');
  return digits;
}

/**
 * A legacy document as the representation shows it: without its mask, and typed by the column where there is one,
 * else by its length (14 characters: CNPJ, anything else: CPF). Its check digits are not verified: it is served
 * as stored.
 */
function documentOf(number: unknown, type: unknown): CustomerView['document'] {
  if (number == null) return null;
  const bare = textOf(number)
    .trim()
    .replace(/[./\-\s]/g, '')
    .toUpperCase();
  if (bare === '') return null;
  const declared = typeof type === 'string' ? type.trim().toUpperCase() : null;
  const documentType = declared === 'CPF' || declared === 'CNPJ' ? declared : bare.length === 14 ? 'CNPJ' : 'CPF';
  return { type: documentType, number: bare };
}

/** DATE (a string, see dateStrings) or DATETIME (a Date) to YYYY-MM-DD; MySQL's zero date means none. */
function dateOnly(value: unknown): string | null {
  if (value == null) return null;
  const text = value instanceof Date ? (Number.isNaN(value.getTime()) ? '' : value.toISOString()) : textOf(value);
  const date = text.slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && date !== '0000-00-00' ? date : null;
}

function sqlLiteral(value: string | number): string {
  return typeof value === 'number' ? textOf(value) : `'${value.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}
