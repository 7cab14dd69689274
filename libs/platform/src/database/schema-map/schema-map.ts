/**
 * The schema map: where each field of the customer model lives in a database that existed before CustomerFlow
 * (`SCHEMA_MAP_FILE`, JSON). This module holds its types, its validation and its loading; the write side's entity
 * metadata, the read side's SQL, the migrations and `npm run db:check` are all built from the one parsed map.
 *
 * The JSON, checked entry by entry so that a mistake is reported with the path of the bad entry:
 *
 *   {
 *     "customers": {
 *       "table": "clientes", "id": "id_cliente",
 *       "ids": { "strategy": "hilo", "blockSize": 1000 },            (optional)
 *       "columns": {
 *         "name": "nome", "email": "email", "phone": "telefone", "birthDate": "dt_nascimento",
 *         "document": { "number": "cpf_cnpj", "format": "masked", "type": null },
 *         "status": { "column": "ativo", "values": { "active": 1, "inactive": 0 } },
 *         "createdAt": "dt_cadastro", "updatedAt": "dt_atualizacao", "version": null, "erasedAt": null
 *       }
 *     },
 *     "addresses": {                                                   (or null: CustomerFlow's customer_addresses)
 *       "table": "enderecos", "id": "id_endereco", "customerId": "id_cliente",
 *       "ids": { "strategy": "autoincrement" },                        (optional)
 *       "columns": { "street": "logradouro", …, "country": { "default": "BR" } }
 *     }
 *   }
 *
 * A field mapped to null does not exist in the legacy table: CustomerFlow keeps it itself where it must (status,
 * erasure time, version) or does without it (phone, birth date, document).
 */

export const CUSTOMER_STATES = ['active', 'inactive', 'erased'] as const;
export type MappedCustomerState = (typeof CUSTOMER_STATES)[number];

/** A value the legacy code stores for a state: `1`, `'A'`, `'ATIVO'`. */
export type LegacyValue = string | number;

/** How a table's new rows get their ids. `hilo` reserves blocks (see HiloIdGenerator); the default leaves them to AUTO_INCREMENT. */
export interface TableIds {
  readonly strategy: 'autoincrement' | 'hilo';
  /** Ids per reserved block; only with `hilo`, where it defaults to HILO_BLOCK_SIZE. */
  readonly blockSize: number | null;
}

export interface DocumentMap {
  readonly number: string;
  /** `masked`: stored as 529.982.247-25 / 11.222.333/0001-81; `digits`: as 52998224725 / 11222333000181. */
  readonly format: 'masked' | 'digits';
  /** The column holding CPF/CNPJ, or null: the type is derived from the number (11 digits CPF, 14 characters CNPJ). */
  readonly type: string | null;
}

export interface StatusMap {
  readonly column: string;
  /** CustomerFlow state → the legacy value; a state missing here is kept in CustomerFlow's own state table. */
  readonly values: Readonly<Partial<Record<MappedCustomerState, LegacyValue>>>;
}

export interface CustomerColumns {
  readonly name: string;
  readonly email: string;
  readonly phone: string | null;
  readonly birthDate: string | null;
  readonly document: DocumentMap | null;
  readonly status: StatusMap | null;
  readonly createdAt: string;
  readonly updatedAt: string | null;
  readonly version: string | null;
  readonly erasedAt: string | null;
}

export interface CustomerTableMap {
  readonly table: string;
  readonly id: string;
  readonly ids: TableIds | null;
  readonly columns: CustomerColumns;
}

export const ADDRESS_FIELDS = [
  'street',
  'number',
  'complement',
  'district',
  'city',
  'state',
  'postalCode',
  'country',
] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

/** Where an address field comes from: a column, a constant the legacy table lacks, or nowhere (complement only). */
export type AddressFieldSource =
  | { readonly kind: 'column'; readonly column: string }
  | { readonly kind: 'constant'; readonly value: string }
  | { readonly kind: 'absent' };

export interface AddressTableMap {
  readonly table: string;
  readonly id: string;
  readonly customerId: string;
  readonly ids: TableIds | null;
  readonly columns: Readonly<Record<AddressField, AddressFieldSource>>;
}

export interface SchemaMap {
  readonly customers: CustomerTableMap;
  /** null: addresses live in CustomerFlow's own `customer_addresses`, keyed by the legacy customer id. */
  readonly addresses: AddressTableMap | null;
}

/** A map that is not valid; `entry` is the path of the bad entry, as `customers.columns.status.values.active`. */
export class SchemaMapError extends Error {
  constructor(
    readonly entry: string,
    readonly detail: string,
  ) {
    super(`${entry} ${detail}`);
    this.name = 'SchemaMapError';
  }
}

const CUSTOMER_COLUMN_KEYS = [
  'name',
  'email',
  'phone',
  'birthDate',
  'document',
  'status',
  'createdAt',
  'updatedAt',
  'version',
  'erasedAt',
] as const;
const REQUIRED_CUSTOMER_COLUMNS = new Set(['name', 'email', 'createdAt']);
/** Address fields the model requires: they need a column or a constant. */
const OPTIONAL_ADDRESS_FIELDS = new Set<AddressField>(['complement']);
// MySQL identifiers: up to 64 characters; we accept the unquoted-safe subset, so they can be quoted without escaping.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,63}$/;

/** Parses and checks a map given as parsed JSON. Throws a SchemaMapError naming the first bad entry. */
export function parseSchemaMap(json: unknown): SchemaMap {
  const root = object(json, '(the map)');
  onlyKeys(root, ['customers', 'addresses'], '');
  const customers = customerTable(required(root, 'customers', ''), 'customers');
  if (!('addresses' in root)) {
    throw new SchemaMapError(
      'addresses',
      'is missing: map the legacy address table, or write "addresses": null to keep addresses in customer_addresses',
    );
  }
  const addresses = root.addresses === null ? null : addressTable(root.addresses, 'addresses');
  const map: SchemaMap = { customers, addresses };
  distinctColumns(map);
  return map;
}

function customerTable(raw: unknown, path: string): CustomerTableMap {
  const entry = object(raw, path);
  onlyKeys(entry, ['table', 'id', 'ids', 'columns'], path);
  const columnsRaw = object(required(entry, 'columns', path), `${path}.columns`);
  onlyKeys(columnsRaw, CUSTOMER_COLUMN_KEYS, `${path}.columns`);
  const column = (key: (typeof CUSTOMER_COLUMN_KEYS)[number]): string | null => {
    const at = `${path}.columns.${key}`;
    if (!(key in columnsRaw)) {
      throw new SchemaMapError(
        at,
        REQUIRED_CUSTOMER_COLUMNS.has(key)
          ? 'is missing: name the legacy column'
          : 'is missing: name the legacy column, or write null if the table has none',
      );
    }
    const value = columnsRaw[key];
    if (value === null && !REQUIRED_CUSTOMER_COLUMNS.has(key)) return null;
    if (value === null) throw new SchemaMapError(at, 'must name a column: CustomerFlow cannot do without it');
    return identifier(value, at);
  };
  return {
    table: identifier(required(entry, 'table', path), `${path}.table`),
    id: identifier(required(entry, 'id', path), `${path}.id`),
    ids: tableIds(entry.ids, `${path}.ids`),
    columns: {
      name: column('name')!,
      email: column('email')!,
      phone: column('phone'),
      birthDate: column('birthDate'),
      document: documentMap(presentOrNull(columnsRaw, 'document', `${path}.columns`), `${path}.columns.document`),
      status: statusMap(presentOrNull(columnsRaw, 'status', `${path}.columns`), `${path}.columns.status`),
      createdAt: column('createdAt')!,
      updatedAt: column('updatedAt'),
      version: column('version'),
      erasedAt: column('erasedAt'),
    },
  };
}

function documentMap(raw: unknown, path: string): DocumentMap | null {
  if (raw === null) return null;
  const entry = object(raw, path);
  onlyKeys(entry, ['number', 'format', 'type'], path);
  const format = required(entry, 'format', path);
  if (format !== 'masked' && format !== 'digits') {
    throw new SchemaMapError(`${path}.format`, `must be "masked" or "digits" (got ${JSON.stringify(format)})`);
  }
  const type = presentOrNull(entry, 'type', path);
  return {
    number: identifier(required(entry, 'number', path), `${path}.number`),
    format,
    type: type === null ? null : identifier(type, `${path}.type`),
  };
}

function statusMap(raw: unknown, path: string): StatusMap | null {
  if (raw === null) return null;
  const entry = object(raw, path);
  onlyKeys(entry, ['column', 'values'], path);
  const values = object(required(entry, 'values', path), `${path}.values`);
  onlyKeys(values, CUSTOMER_STATES, `${path}.values`);
  const seen = new Map<string, string>();
  for (const [state, value] of Object.entries(values)) {
    const at = `${path}.values.${state}`;
    if (!(typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) {
      throw new SchemaMapError(at, `must be the legacy value, a string or a number (got ${JSON.stringify(value)})`);
    }
    const key = String(value);
    if (seen.has(key)) throw new SchemaMapError(at, `repeats the value of ${path}.values.${seen.get(key)}`);
    seen.set(key, state);
  }
  if (!('active' in values)) {
    throw new SchemaMapError(`${path}.values.active`, 'is missing: new customers are active, and need a legacy value');
  }
  return { column: identifier(required(entry, 'column', path), `${path}.column`), values };
}

function addressTable(raw: unknown, path: string): AddressTableMap {
  const entry = object(raw, path);
  onlyKeys(entry, ['table', 'id', 'customerId', 'ids', 'columns'], path);
  const columnsRaw = object(required(entry, 'columns', path), `${path}.columns`);
  onlyKeys(columnsRaw, ADDRESS_FIELDS, `${path}.columns`);
  const columns = {} as Record<AddressField, AddressFieldSource>;
  for (const field of ADDRESS_FIELDS) columns[field] = addressField(columnsRaw, field, `${path}.columns.${field}`);
  return {
    table: identifier(required(entry, 'table', path), `${path}.table`),
    id: identifier(required(entry, 'id', path), `${path}.id`),
    customerId: identifier(required(entry, 'customerId', path), `${path}.customerId`),
    ids: addressIds(entry.ids, `${path}.ids`),
    columns,
  };
}

function addressField(columns: Record<string, unknown>, field: AddressField, path: string): AddressFieldSource {
  const optional = OPTIONAL_ADDRESS_FIELDS.has(field);
  if (!(field in columns)) {
    throw new SchemaMapError(
      path,
      optional
        ? 'is missing: name the legacy column, write null if there is none, or { "default": "…" }'
        : 'is missing: name the legacy column, or give a constant as { "default": "…" }',
    );
  }
  const raw = columns[field];
  if (raw === null) {
    if (optional) return { kind: 'absent' };
    throw new SchemaMapError(path, 'cannot be null: name the legacy column, or give a constant as { "default": "…" }');
  }
  if (typeof raw === 'object' && !Array.isArray(raw)) {
    const entry = raw as Record<string, unknown>;
    onlyKeys(entry, ['default'], path);
    const value = required(entry, 'default', path);
    if (typeof value !== 'string' || value.trim() === '')
      throw new SchemaMapError(`${path}.default`, `must be a non-empty string (got ${JSON.stringify(value)})`);
    return { kind: 'constant', value };
  }
  return { kind: 'column', column: identifier(raw, path) };
}

/**
 * Address rows keep AUTO_INCREMENT: their ids are never exposed, and a change reads the address rows before it would
 * need new ids, so a hilo reservation (which waits for every transaction that touched the table) would wait for it.
 */
function addressIds(raw: unknown, path: string): TableIds | null {
  const ids = tableIds(raw, path);
  if (ids?.strategy === 'hilo') {
    throw new SchemaMapError(
      `${path}.strategy`,
      'must be "autoincrement": address ids are never exposed, so only the customer table leaves AUTO_INCREMENT',
    );
  }
  return ids;
}

function tableIds(raw: unknown, path: string): TableIds | null {
  if (raw === undefined || raw === null) return null;
  const entry = object(raw, path);
  onlyKeys(entry, ['strategy', 'blockSize'], path);
  const strategy = required(entry, 'strategy', path);
  if (strategy !== 'autoincrement' && strategy !== 'hilo') {
    throw new SchemaMapError(`${path}.strategy`, `must be "autoincrement" or "hilo" (got ${JSON.stringify(strategy)})`);
  }
  const blockSize = entry.blockSize ?? null;
  if (blockSize !== null) {
    if (strategy !== 'hilo')
      throw new SchemaMapError(`${path}.blockSize`, 'is only meaningful with "strategy": "hilo"');
    if (typeof blockSize !== 'number' || !Number.isInteger(blockSize) || blockSize < 1 || blockSize > 1_000_000) {
      throw new SchemaMapError(
        `${path}.blockSize`,
        `must be a whole number between 1 and 1000000 (got ${JSON.stringify(blockSize)})`,
      );
    }
  }
  return { strategy, blockSize };
}

/** Two fields in one column would make every write ambiguous (which value wins?), so the map is refused. */
function distinctColumns(map: SchemaMap): void {
  const c = map.customers.columns;
  const used = new Map<string, string>([[map.customers.id.toLowerCase(), 'customers.id']]);
  const claim = (column: string | null, entry: string): void => {
    if (column === null) return;
    const other = used.get(column.toLowerCase());
    if (other) throw new SchemaMapError(entry, `uses column "${column}", already mapped by ${other}`);
    used.set(column.toLowerCase(), entry);
  };
  for (const key of ['name', 'email', 'phone', 'birthDate', 'createdAt', 'updatedAt', 'version', 'erasedAt'] as const)
    claim(c[key], `customers.columns.${key}`);
  claim(c.document?.number ?? null, 'customers.columns.document.number');
  claim(c.document?.type ?? null, 'customers.columns.document.type');
  claim(c.status?.column ?? null, 'customers.columns.status.column');
  if (!map.addresses) return;
  const a = map.addresses;
  if (a.table.toLowerCase() === map.customers.table.toLowerCase())
    throw new SchemaMapError('addresses.table', `must differ from customers.table ("${a.table}")`);
  used.clear();
  used.set(a.id.toLowerCase(), 'addresses.id');
  claim(a.customerId, 'addresses.customerId');
  for (const field of ADDRESS_FIELDS) {
    const source = a.columns[field];
    if (source.kind === 'column') claim(source.column, `addresses.columns.${field}`);
  }
}

function object(raw: unknown, path: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SchemaMapError(path, `must be an object (got ${describe(raw)})`);
  }
  return raw as Record<string, unknown>;
}

function required(entry: Record<string, unknown>, key: string, path: string): unknown {
  if (!(key in entry) || entry[key] === undefined) throw new SchemaMapError(join(path, key), 'is missing');
  return entry[key];
}

/** A key that must be present, as a value or as an explicit null ("the legacy table has none"). */
function presentOrNull(entry: Record<string, unknown>, key: string, path: string): unknown {
  if (!(key in entry)) {
    throw new SchemaMapError(join(path, key), 'is missing: map it, or write null if the legacy table has none');
  }
  return entry[key];
}

function identifier(raw: unknown, path: string): string {
  if (typeof raw !== 'string' || !IDENTIFIER.test(raw)) {
    throw new SchemaMapError(
      path,
      `must be a column or table name (letters, digits, _ and $, up to 64 characters, not starting with a digit) (got ${describe(raw)})`,
    );
  }
  return raw;
}

function onlyKeys(entry: Record<string, unknown>, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(entry)) {
    if (!allowed.includes(key)) {
      throw new SchemaMapError(join(path, key), `is not a known entry here; expected one of: ${allowed.join(', ')}`);
    }
  }
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function describe(raw: unknown): string {
  if (raw === undefined) return 'nothing';
  const json = JSON.stringify(raw);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
