/**
 * TypeORM metadata built at start-up from the schema map, so that writes to a legacy schema go through TypeORM as
 * writes to CustomerFlow's own tables do: the legacy customer and address tables under the map's column names, and
 * the two tables CustomerFlow keeps beside them (see migration 1764730000000-schema-map-side-tables).
 */
import { EntitySchema, type EntitySchemaColumnOptions } from 'typeorm';
import type { SchemaMap } from '@customerflow/platform';
import { CustomerAddressOrmEntity } from '../customer-address.orm-entity';
import { CustomerOrmEntity } from '../customer.orm-entity';

export const LEGACY_CUSTOMER = 'LegacyCustomer';
export const LEGACY_ADDRESS = 'LegacyAddress';

/** A row of the legacy customer table, by model field name; only mapped fields exist. */
export interface LegacyCustomerRow {
  id?: string;
  name?: string;
  email?: string | null;
  phone?: string | null;
  birthDate?: string | null;
  documentNumber?: string | null;
  documentType?: string | null;
  status?: string | number | null;
  createdAt?: Date;
  updatedAt?: Date;
  version?: number;
  erasedAt?: Date | null;
}

/** What CustomerFlow keeps of a legacy customer that the legacy table has no column for. */
export interface CustomerStateOrmEntity {
  customerId: string;
  /** A state the legacy column cannot express (such as `erased`), or null: the legacy column says it. */
  status: string | null;
  version: number;
  updatedAt: Date | null;
  erasedAt: Date | null;
}

export const customerStateSchema = new EntitySchema<CustomerStateOrmEntity>({
  name: 'CustomerState',
  tableName: 'customerflow_customer_state',
  columns: {
    customerId: { name: 'customer_id', type: 'bigint', primary: true },
    status: { type: 'varchar', length: 8, nullable: true },
    version: { type: 'int' },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 3, nullable: true },
    erasedAt: { name: 'erased_at', type: 'datetime', precision: 3, nullable: true },
  },
});

/** A uniqueness claim: `(kind, value)` is the primary key, so of two racing claims exactly one commits. */
export interface UniqueClaimOrmEntity {
  kind: 'email' | 'document';
  value: string;
  customerId: string;
}

export const uniqueClaimSchema = new EntitySchema<UniqueClaimOrmEntity>({
  name: 'UniqueClaim',
  tableName: 'customerflow_unique_claims',
  columns: {
    kind: { type: 'varchar', length: 8, primary: true },
    value: { type: 'varchar', length: 254, primary: true },
    customerId: { name: 'customer_id', type: 'bigint' },
  },
});

export function legacyCustomerSchema(map: SchemaMap): EntitySchema<LegacyCustomerRow> {
  const t = map.customers;
  const c = t.columns;
  const columns: Record<string, EntitySchemaColumnOptions> = {
    // Hilo ids (the map's `ids`) are assigned before the insert; TypeORM then sends the explicit value.
    id: { name: t.id, type: 'bigint', primary: true, generated: 'increment' },
    name: { name: c.name, type: 'varchar' },
    email: { name: c.email, type: 'varchar', nullable: true },
    createdAt: { name: c.createdAt, type: 'datetime' },
  };
  const optional = (field: string, column: string | null, options: Omit<EntitySchemaColumnOptions, 'name'>) => {
    if (column !== null) columns[field] = { ...options, name: column, nullable: true };
  };
  optional('phone', c.phone, { type: 'varchar' });
  optional('birthDate', c.birthDate, { type: 'date' });
  optional('documentNumber', c.document?.number ?? null, { type: 'varchar' });
  optional('documentType', c.document?.type ?? null, { type: 'varchar' });
  const numericStatus = c.status && Object.values(c.status.values).every((v) => typeof v === 'number');
  optional('status', c.status?.column ?? null, { type: numericStatus ? 'int' : 'varchar' });
  optional('updatedAt', c.updatedAt, { type: 'datetime' });
  optional('version', c.version, { type: 'int' });
  optional('erasedAt', c.erasedAt, { type: 'datetime' });
  return new EntitySchema<LegacyCustomerRow>({ name: LEGACY_CUSTOMER, tableName: t.table, columns });
}

export function legacyAddressSchema(map: SchemaMap): EntitySchema<Record<string, unknown>> | null {
  const a = map.addresses;
  if (!a) return null;
  const columns: Record<string, EntitySchemaColumnOptions> = {
    id: { name: a.id, type: 'bigint', primary: true, generated: 'increment' },
    customerId: { name: a.customerId, type: 'bigint' },
  };
  for (const [field, source] of Object.entries(a.columns)) {
    if (source.kind === 'column') columns[field] = { name: source.column, type: 'varchar', nullable: true };
  }
  return new EntitySchema<Record<string, unknown>>({ name: LEGACY_ADDRESS, tableName: a.table, columns });
}

/** The write side's entities for the data source: CustomerFlow's own tables, or the map's and the side tables. */
export function customerOrmEntitiesFor(
  map: SchemaMap | null,
): (typeof CustomerOrmEntity | typeof CustomerAddressOrmEntity | EntitySchema<object>)[] {
  if (!map) return [CustomerOrmEntity, CustomerAddressOrmEntity, customerStateSchema, uniqueClaimSchema];
  const addresses = legacyAddressSchema(map);
  return [legacyCustomerSchema(map), addresses ?? CustomerAddressOrmEntity, customerStateSchema, uniqueClaimSchema];
}
