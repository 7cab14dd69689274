/**
 * The Customer repository over a legacy schema (SCHEMA_MAP_FILE), on TypeORM with the metadata built from the map.
 * The legacy tables are written only in the columns the map names; what they have no column for lives in
 * CustomerFlow's side tables, keyed by the legacy id:
 *
 * - optimistic concurrency without a version column: the load reads a digest of the legacy rows (see
 *   MappedCustomerTables.rowDigestSql) and the UPDATE's WHERE requires the same digest and CustomerFlow's version,
 *   so a change by the legacy writer in between matches no row and is a 412;
 * - uniqueness without a unique index: a claim row per email/document in `customerflow_unique_claims` (its primary
 *   key decides races between CustomerFlow's writers), plus a look into the legacy table for rows the legacy code
 *   wrote, compared the way the column's collation compares (case-insensitively for a `_ci` email column).
 */
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxWriter } from '@customerflow/outbox';
import {
  type AddressField,
  IdGenerator,
  textOf,
  InTransactionEventBus,
  isUniqueViolation,
  type SchemaMap,
  UnitOfWork,
} from '@customerflow/platform';
import { CustomerTables, MappedCustomerTables, maskDocument } from '../../application/queries/customer-tables';
import {
  type AddressProps,
  Customer,
  type CustomerDomainEvent,
  type CustomerId,
  CustomerRepository,
  type CustomerSnapshot,
  type CustomerStatus,
  CustomerUpdated,
  DocumentAlreadyTaken,
  EmailAlreadyTaken,
  InvalidCustomerData,
  StaleCustomerVersion,
  type Violation,
} from '../../domain';
import { CustomerAddressOrmEntity } from '../customer-address.orm-entity';
import { toOutboxRecord } from '../customer-integration-events';
import { LegacyColumns } from './legacy-columns';
import {
  customerStateSchema,
  LEGACY_ADDRESS,
  LEGACY_CUSTOMER,
  type LegacyCustomerRow,
  uniqueClaimSchema,
} from './schema-mapped.entities';

type Row = Record<string, unknown>;

const ID_PATTERN = /^[1-9]\d{0,18}$/;

type Field = 'name' | 'email' | 'phone' | 'document' | 'birthDate' | 'addresses' | 'status';
const PERSONAL: readonly Field[] = ['name', 'email', 'phone', 'document', 'birthDate', 'addresses'];

interface Loaded {
  readonly digest: string;
  readonly version: number;
  readonly entityTag: string;
}

@Injectable()
export class SchemaMappedCustomerRepository extends CustomerRepository implements OnModuleInit {
  private readonly loaded = new WeakMap<Customer, Loaded>();
  private columns: LegacyColumns | null = null;

  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly ids: IdGenerator,
    private readonly outbox: OutboxWriter,
    private readonly inTransactionEvents: InTransactionEventBus,
    private readonly tables: CustomerTables,
    private readonly dataSource: DataSource,
  ) {
    super();
  }

  async onModuleInit(): Promise<void> {
    if (!(this.tables instanceof MappedCustomerTables)) return;
    const map = this.tables.map;
    this.columns = await LegacyColumns.load(this.dataSource, [
      map.customers.table,
      ...(map.addresses ? [map.addresses.table] : []),
    ]);
  }

  private get mapped(): MappedCustomerTables {
    if (!(this.tables instanceof MappedCustomerTables)) throw new Error('no schema map is configured');
    return this.tables;
  }

  private get map(): SchemaMap {
    return this.mapped.map;
  }

  nextId(): Promise<CustomerId | null> {
    const t = this.map.customers;
    // The map's `ids` entry decides this table's strategy (the live switch rolls processes onto a map that says
    // hilo); without one, ID_STRATEGY does.
    return this.ids.nextId({
      name: t.table,
      table: t.table,
      column: t.id,
      ...(t.ids ? { strategy: t.ids.strategy } : {}),
      ...(t.ids?.blockSize ? { blockSize: t.ids.blockSize } : {}),
    });
  }

  async findById(id: CustomerId): Promise<Customer | null> {
    if (!ID_PATTERN.test(id)) return null;
    const stored = await this.load(id);
    if (!stored) return null;
    const { view, status, erasedAt, entityTag, rowDigest } = stored;
    const snapshot: CustomerSnapshot = {
      id: view.id,
      name: view.name,
      email: view.email,
      phone: view.phone,
      document: view.document,
      birthDate: view.birthDate,
      addresses: view.addresses,
      status,
      version: view.version,
      createdAt: new Date(view.createdAt),
      updatedAt: new Date(view.updatedAt),
      erasedAt,
      revision: entityTag,
    };
    const customer = Customer.restore(snapshot);
    this.loaded.set(customer, { digest: rowDigest!, version: view.version, entityTag });
    return customer;
  }

  async save(customer: Customer): Promise<void> {
    const events = customer.pullDomainEvents();
    if (customer.persistedVersion === null) await this.insert(customer);
    else if (events.length > 0) await this.update(customer, events);
    await this.outbox.append(events.map((event) => toOutboxRecord(event, customer)));
    await this.inTransactionEvents.dispatch(events);
  }

  private async load(id: string) {
    const manager = this.unitOfWork.manager;
    const byId = this.mapped.byId(id);
    const rows = await manager.query<Row[]>(byId.sql, [...byId.parameters]);
    if (rows.length === 0) return null;
    const of = this.mapped.addressesOf([id]);
    const addresses = await manager.query<Row[]>(of.sql, [...of.parameters]);
    return this.mapped.stored(rows, addresses);
  }

  private async insert(customer: Customer): Promise<void> {
    const snapshot = customer.snapshot();
    this.ensureStorable(snapshot, [...PERSONAL, 'status']);
    const manager = this.unitOfWork.manager;
    const row = this.legacyRow(snapshot, [...PERSONAL, 'status']);
    row.createdAt = snapshot.createdAt;
    if (snapshot.id !== null) row.id = snapshot.id;
    const result = await manager.insert(LEGACY_CUSTOMER, row);
    if (snapshot.id === null)
      customer.assignId(String(result.identifiers[0]?.id ?? (result.raw as { insertId: number }).insertId));
    const id = customer.id!;
    await this.claimUnique(snapshot, id, ['email', 'document']);
    await manager.upsert(customerStateSchema, this.stateRow(id, snapshot), ['customerId']);
    await this.insertAddresses(id, snapshot.addresses);
    customer.storedAs(await this.entityTagOf(id));
  }

  private async update(customer: Customer, events: readonly CustomerDomainEvent[]): Promise<void> {
    const snapshot = customer.snapshot();
    const id = snapshot.id!;
    const loaded = this.loaded.get(customer);
    if (!loaded) throw new Error(`customer ${id} was not loaded by this repository`);
    const fields = changedFields(events);
    this.ensureStorable(snapshot, fields);
    const t = this.map.customers;
    const table = `\`${t.table}\``;
    const set = this.legacyRow(snapshot, fields);
    if (Object.keys(set).length === 0) set.id = id; // still take the row lock and check the digest
    const versionCheck =
      t.columns.version === null
        ? ` AND COALESCE((SELECT s.version FROM customerflow_customer_state s WHERE s.customer_id = :id), 1) = :version`
        : '';
    const result = await this.unitOfWork.manager
      .createQueryBuilder()
      .update(LEGACY_CUSTOMER)
      .set(set)
      .where(`${table}.\`${t.id}\` = :id AND ${this.mapped.rowDigestSql(table)} = :digest${versionCheck}`, {
        id,
        digest: loaded.digest,
        version: loaded.version,
      })
      .execute();
    // Another writer (CustomerFlow or the legacy code) changed the rows since they were read.
    if (result.affected !== 1) throw new StaleCustomerVersion(id, loaded.entityTag, null);
    await this.unitOfWork.manager.upsert(customerStateSchema, this.stateRow(id, snapshot), ['customerId']);
    if (snapshot.status === 'erased') await this.releaseClaims(id, ['email', 'document']);
    else
      await this.claimUnique(
        snapshot,
        id,
        fields.filter((f) => f === 'email' || f === 'document'),
        true,
      );
    if (fields.includes('addresses')) {
      await this.deleteAddresses(id);
      await this.insertAddresses(id, snapshot.addresses);
    }
    customer.storedAs(await this.entityTagOf(id));
  }

  private async entityTagOf(id: string): Promise<string> {
    const byId = this.mapped.byId(id);
    const rows = await this.unitOfWork.manager.query<Row[]>(byId.sql, [...byId.parameters]);
    return this.mapped.stored(rows, [])!.entityTag;
  }

  /** The legacy columns for these fields; an erased customer's personal data is cleared (NOT NULL columns to ''). */
  private legacyRow(snapshot: CustomerSnapshot, fields: readonly Field[]): LegacyCustomerRow {
    const t = this.map.customers;
    const c = t.columns;
    const erased = snapshot.status === 'erased';
    const cleared = (column: string) => (this.columns?.nullable(t.table, column) === false ? '' : null);
    const row: LegacyCustomerRow = {};
    const has = (field: Field) => fields.includes(field) || (erased && PERSONAL.includes(field));
    if (has('name')) row.name = snapshot.name;
    if (has('email')) row.email = erased ? cleared(c.email) : snapshot.email;
    if (has('phone') && c.phone) row.phone = erased ? cleared(c.phone) : snapshot.phone;
    if (has('birthDate') && c.birthDate) row.birthDate = snapshot.birthDate;
    if (has('document') && c.document) {
      const document = snapshot.document;
      row.documentNumber = !document
        ? cleared(c.document.number)
        : c.document.format === 'masked'
          ? maskDocument(document.number)
          : document.number;
      if (c.document.type) row.documentType = document?.type ?? cleared(c.document.type);
    }
    if (c.status && (fields.includes('status') || erased)) {
      const value = legacyValueOf(c.status.values, snapshot.status);
      if (value !== undefined) row.status = value;
    }
    if (c.updatedAt) row.updatedAt = snapshot.updatedAt;
    if (c.version) row.version = snapshot.version;
    if (c.erasedAt && erased) row.erasedAt = snapshot.erasedAt;
    return row;
  }

  /** CustomerFlow's record of what the legacy row cannot say: a state without a legacy value, the version. */
  private stateRow(id: string, snapshot: CustomerSnapshot) {
    const c = this.map.customers.columns;
    const inLegacyColumn = c.status !== null && c.status.values[snapshot.status] !== undefined;
    return {
      customerId: id,
      status: inLegacyColumn ? null : snapshot.status,
      version: snapshot.version,
      updatedAt: c.updatedAt ? null : snapshot.updatedAt,
      erasedAt: c.erasedAt ? null : snapshot.erasedAt,
    };
  }

  /** A 400 naming the field for a value the legacy columns cannot hold, before anything is written. */
  private ensureStorable(snapshot: CustomerSnapshot, fields: readonly Field[]): void {
    if (snapshot.status === 'erased' || !this.columns) return;
    const violations: Violation[] = [];
    const t = this.map.customers;
    const c = t.columns;
    const check = (pointer: string, table: string, column: string | null, value: string | null) => {
      if (column === null) return;
      const violation = this.columns!.check(pointer, table, column, value);
      if (violation) violations.push(violation);
    };
    if (fields.includes('name')) check('/name', t.table, c.name, snapshot.name);
    if (fields.includes('email')) check('/email', t.table, c.email, snapshot.email);
    if (fields.includes('phone')) check('/phone', t.table, c.phone, snapshot.phone);
    if (fields.includes('document') && snapshot.document && c.document) {
      const stored = c.document.format === 'masked' ? maskDocument(snapshot.document.number) : snapshot.document.number;
      check('/document/number', t.table, c.document.number, stored);
    }
    const a = this.map.addresses;
    if (fields.includes('addresses') && a) {
      snapshot.addresses.forEach((address, i) => {
        for (const [field, source] of Object.entries(a.columns) as [AddressField, (typeof a.columns)[AddressField]][]) {
          const value = address[field];
          const pointer = `/addresses/${i}/${field}`;
          if (source.kind === 'column') check(pointer, a.table, source.column, value);
          else if (source.kind === 'constant' && value !== source.value)
            violations.push({
              pointer,
              detail: `must be ${source.value}: the existing database stores no other value`,
            });
          else if (source.kind === 'absent' && value !== null)
            violations.push({ pointer, detail: 'cannot be stored: the existing database has no column for it' });
        }
      });
    }
    if (violations.length > 0) throw new InvalidCustomerData(violations);
  }

  private async claimUnique(
    snapshot: CustomerSnapshot,
    id: string,
    kinds: readonly ('email' | 'document')[],
    releaseFirst = false,
  ): Promise<void> {
    for (const kind of kinds) {
      if (releaseFirst) await this.releaseClaims(id, [kind]);
      const value = kind === 'email' ? snapshot.email : (snapshot.document?.number ?? null);
      if (value === null) continue;
      await this.claim(kind, kind === 'email' ? value.toLowerCase() : value, id);
    }
  }

  private async claim(kind: 'email' | 'document', value: string, id: string): Promise<void> {
    const manager = this.unitOfWork.manager;
    const taken = () => (kind === 'email' ? new EmailAlreadyTaken(value) : new DocumentAlreadyTaken());
    try {
      await manager.insert(uniqueClaimSchema, { kind, value, customerId: id });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // The claim may be stale: the legacy code changed or deleted the holder's row since CustomerFlow wrote it.
      const [holder] = await manager.query<Row[]>(
        // A shared lock, as the failed insert already holds: FOR UPDATE here would deadlock racing claimants.
        'SELECT customer_id FROM customerflow_unique_claims WHERE kind = ? AND value = ? LOCK IN SHARE MODE',
        [kind, value],
      );
      if (holder && (await this.stillHolds(kind, value, textOf(holder.customer_id)))) throw taken();
      await manager.update(uniqueClaimSchema, { kind, value }, { customerId: id });
    }
    if ((await this.legacyRowsWith(kind, value, id)).length > 0) throw taken();
  }

  /** Ids of other, not erased, legacy rows holding this email (as the column's collation compares) or document. */
  private async legacyRowsWith(kind: 'email' | 'document', value: string, except: string): Promise<string[]> {
    const tables = this.mapped;
    const condition =
      kind === 'email' ? { sql: `${tables.emailColumn} = ?`, parameters: [value] } : tables.documentIs(value);
    const rows = await this.unitOfWork.manager.query<{ id: string }[]>(
      `SELECT ${tables.idColumn} AS id FROM ${tables.from} WHERE ${condition.sql} AND ${tables.idColumn} <> ? AND ${tables.notErased} LIMIT 5`,
      [...condition.parameters, except],
    );
    return rows.map((row) => String(row.id));
  }

  /**
   * Whether the claim's holder still has the value. A locking read of that one row by its primary key: it sees the
   * latest commit (a racing registration that just won), where this transaction's snapshot might not.
   */
  private async stillHolds(kind: 'email' | 'document', value: string, holder: string): Promise<boolean> {
    const tables = this.mapped;
    const condition =
      kind === 'email' ? { sql: `${tables.emailColumn} = ?`, parameters: [value] } : tables.documentIs(value);
    const rows = await this.unitOfWork.manager.query<Row[]>(
      `SELECT ${tables.idColumn} AS id FROM ${tables.from} WHERE ${tables.idColumn} = ? AND ${condition.sql} AND ${tables.notErased} LOCK IN SHARE MODE`,
      [holder, ...condition.parameters],
    );
    return rows.length > 0;
  }

  private async releaseClaims(id: string, kinds: readonly ('email' | 'document')[]): Promise<void> {
    for (const kind of kinds) await this.unitOfWork.manager.delete(uniqueClaimSchema, { kind, customerId: id });
  }

  private async insertAddresses(id: string, addresses: readonly AddressProps[]): Promise<void> {
    if (addresses.length === 0) return;
    const a = this.map.addresses;
    const manager = this.unitOfWork.manager;
    if (!a) {
      const rows = addresses.map((address, position) =>
        Object.assign(new CustomerAddressOrmEntity(), { customerId: id, position, ...address }),
      );
      await manager.insert(CustomerAddressOrmEntity, rows);
      return;
    }
    const rows = addresses.map((address) => {
      const row: Record<string, unknown> = { customerId: id };
      for (const [field, source] of Object.entries(a.columns))
        if (source.kind === 'column') row[field] = address[field as AddressField];
      return row;
    });
    await manager.insert(LEGACY_ADDRESS, rows);
  }

  private async deleteAddresses(id: string): Promise<void> {
    if (this.map.addresses) await this.unitOfWork.manager.delete(LEGACY_ADDRESS, { customerId: id });
    else await this.unitOfWork.manager.delete(CustomerAddressOrmEntity, { customerId: id });
  }
}

function changedFields(events: readonly CustomerDomainEvent[]): Field[] {
  const fields = new Set<Field>();
  for (const event of events) {
    if (event instanceof CustomerUpdated) for (const key of Object.keys(event.changes)) fields.add(key as Field);
    else if (event.kind === 'erased') for (const field of [...PERSONAL, 'status'] as Field[]) fields.add(field);
    else fields.add('status');
  }
  return [...fields];
}

/** The legacy value for a state; an erased customer takes the inactive value when erased has none of its own. */
function legacyValueOf(
  values: Readonly<Partial<Record<CustomerStatus, string | number>>>,
  status: CustomerStatus,
): string | number | undefined {
  return values[status] ?? (status === 'erased' ? values.inactive : undefined);
}
