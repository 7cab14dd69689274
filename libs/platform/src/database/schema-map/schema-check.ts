/**
 * `npm run db:check`: the live schema against the schema map. Every mismatch is a finding with the map entry it
 * concerns and the DDL that would fix it; errors stop CustomerFlow from working (a missing table or column, a
 * type that cannot hold the field, a table CustomerFlow owns that the migrations have not created yet), warnings
 * make it slower or stricter than it could be (a missing index, a charset short of Unicode, a column narrower than
 * the model's rule). The DDL is a proposal for whoever owns the legacy schema: CustomerFlow never runs it.
 */
import type { DataSource } from 'typeorm';
import { textOf } from '../sql-dialect';
import { ADDRESS_FIELDS, type SchemaMap } from './schema-map';

export interface LiveColumn {
  readonly table: string;
  readonly column: string;
  /** `varchar`, `int`, `datetime`… */
  readonly dataType: string;
  /** `varchar(150)`, `tinyint(1)`…, as SHOW COLUMNS says it. */
  readonly columnType: string;
  readonly maxLength: number | null;
  readonly charset: string | null;
  readonly collation: string | null;
  readonly nullable: boolean;
}

export interface LiveIndex {
  readonly table: string;
  readonly name: string;
  /** In index order. */
  readonly columns: readonly string[];
}

export interface LiveSchema {
  readonly tables: readonly string[];
  readonly columns: readonly LiveColumn[];
  readonly indexes: readonly LiveIndex[];
}

export type FindingKind =
  | 'missing-table'
  | 'missing-column'
  | 'type'
  | 'index'
  | 'charset'
  | 'collation'
  | 'length'
  /** The legacy-capture triggers are installed but were built from another map (npm run legacy:capture). */
  | 'capture';

export interface Finding {
  readonly severity: 'error' | 'warning';
  readonly kind: FindingKind;
  /** The map entry concerned, as `customers.columns.email`, or the table CustomerFlow owns. */
  readonly entry: string;
  readonly message: string;
  /** The DDL that would fix it, or a command. */
  readonly fix: string;
}

/** The tables `npm run migration:run` creates next to a legacy schema. */
const OWN_TABLES = [
  'outbox_messages',
  'idempotency_keys',
  'hilo_sequences',
  'customerflow_customer_state',
  'customerflow_unique_claims',
  'inbox_messages',
];

type Need = 'integer' | 'text' | 'date' | 'datetime' | 'status';

interface Expected {
  readonly entry: string;
  readonly table: string;
  readonly column: string;
  readonly need: Need;
  /** For text: the length the model allows, so a narrower column refuses some valid values. */
  readonly length?: number;
  /** The DDL type proposed for a missing column. */
  readonly ddl: string;
  /** Whether the column may be NULL for CustomerFlow (a missing column is proposed with NULL then). */
  readonly nullable: boolean;
  /** Text that must compare case-insensitively (the email). */
  readonly caseInsensitive?: boolean;
}

const TEXT_TYPES = new Set(['char', 'varchar', 'tinytext', 'text', 'mediumtext', 'longtext']);
const INTEGER_TYPES = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'integer', 'bigint']);
const DATETIME_TYPES = new Set(['datetime', 'timestamp']);
const UTF8MB4 = 'CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci';

export function checkSchema(map: SchemaMap, live: LiveSchema): Finding[] {
  const findings: Finding[] = [];
  const tables = new Set(live.tables.map((t) => t.toLowerCase()));
  const columnOf = (table: string, column: string) =>
    live.columns.find(
      (c) => c.table.toLowerCase() === table.toLowerCase() && c.column.toLowerCase() === column.toLowerCase(),
    );
  const expected = expectedColumns(map);

  for (const table of new Set(expected.map((e) => e.table))) {
    if (tables.has(table.toLowerCase())) continue;
    const columns = expected.filter((e) => e.table === table);
    findings.push({
      severity: 'error',
      kind: 'missing-table',
      entry: columns[0].entry.split('.')[0],
      message: `table ${table} does not exist`,
      fix: createTableDdl(table, columns),
    });
  }
  for (const e of expected) {
    if (!tables.has(e.table.toLowerCase())) continue;
    const column = columnOf(e.table, e.column);
    if (!column) {
      findings.push({
        severity: 'error',
        kind: 'missing-column',
        entry: e.entry,
        message: `column ${e.table}.${e.column} does not exist`,
        fix: `ALTER TABLE \`${e.table}\` ADD COLUMN \`${e.column}\` ${e.ddl} ${e.nullable ? 'NULL' : 'NOT NULL'};`,
      });
      continue;
    }
    findings.push(...columnFindings(e, column, map));
  }
  findings.push(...indexFindings(map, live, tables));
  const own = (map.addresses ? OWN_TABLES : [...OWN_TABLES, 'customer_addresses']).filter((t) => !tables.has(t));
  if (own.length > 0) {
    findings.push({
      severity: 'error',
      kind: 'missing-table',
      entry: "CustomerFlow's own tables",
      message: `${own.join(', ')} ${own.length === 1 ? 'does' : 'do'} not exist yet`,
      fix: 'npm run migration:run   (creates only the tables CustomerFlow owns; the mapped tables are left alone)',
    });
  }
  return findings;
}

function expectedColumns(map: SchemaMap): Expected[] {
  const t = map.customers;
  const c = t.columns;
  const on = (
    entry: string,
    column: string | null,
    need: Need,
    ddl: string,
    nullable: boolean,
    extra: Partial<Expected> = {},
  ): Expected[] => (column === null ? [] : [{ entry, table: t.table, column, need, ddl, nullable, ...extra }]);
  const numericStatus = c.status && Object.values(c.status.values).every((v) => typeof v === 'number');
  const list: Expected[] = [
    ...on('customers.id', t.id, 'integer', 'BIGINT', false),
    ...on('customers.columns.name', c.name, 'text', `VARCHAR(200) ${UTF8MB4}`, false, { length: 200 }),
    ...on('customers.columns.email', c.email, 'text', `VARCHAR(254) ${UTF8MB4}`, true, {
      length: 254,
      caseInsensitive: true,
    }),
    ...on('customers.columns.phone', c.phone, 'text', 'VARCHAR(16)', true, { length: 16 }),
    ...on('customers.columns.birthDate', c.birthDate, 'date', 'DATE', true),
    ...on('customers.columns.document.number', c.document?.number ?? null, 'text', 'VARCHAR(18)', true, {
      length: c.document?.format === 'masked' ? 18 : 14,
    }),
    ...on('customers.columns.document.type', c.document?.type ?? null, 'text', 'VARCHAR(4)', true, { length: 4 }),
    ...on(
      'customers.columns.status.column',
      c.status?.column ?? null,
      'status',
      numericStatus ? 'TINYINT' : 'VARCHAR(16)',
      false,
    ),
    ...on('customers.columns.createdAt', c.createdAt, 'datetime', 'DATETIME', false),
    ...on('customers.columns.updatedAt', c.updatedAt, 'datetime', 'DATETIME', false),
    ...on('customers.columns.version', c.version, 'integer', 'INT', false),
    ...on('customers.columns.erasedAt', c.erasedAt, 'datetime', 'DATETIME', true),
  ];
  const a = map.addresses;
  if (a) {
    const address = (entry: string, column: string, need: Need, ddl: string, nullable: boolean, length?: number) =>
      list.push({ entry, table: a.table, column, need, ddl, nullable, ...(length ? { length } : {}) });
    address('addresses.id', a.id, 'integer', 'BIGINT', false);
    address('addresses.customerId', a.customerId, 'integer', 'BIGINT', false);
    const lengths: Record<string, number> = {
      street: 200,
      number: 20,
      complement: 100,
      district: 100,
      city: 100,
      state: 50,
      postalCode: 16,
      country: 2,
    };
    for (const field of ADDRESS_FIELDS) {
      const source = a.columns[field];
      if (source.kind !== 'column') continue;
      const length = lengths[field];
      address(`addresses.columns.${field}`, source.column, 'text', `VARCHAR(${length}) ${UTF8MB4}`, true, length);
    }
  }
  return list;
}

function columnFindings(e: Expected, column: LiveColumn, map: SchemaMap): Finding[] {
  const where = `${e.table}.${e.column} (${column.columnType})`;
  const nullability = column.nullable ? 'NULL' : 'NOT NULL';
  const typeError = (why: string): Finding => ({
    severity: 'error',
    kind: 'type',
    entry: e.entry,
    message: `${where} ${why}`,
    fix: `ALTER TABLE \`${e.table}\` MODIFY \`${e.column}\` ${e.ddl} ${nullability};`,
  });
  const type = column.dataType.toLowerCase();
  switch (e.need) {
    case 'integer':
      if (!INTEGER_TYPES.has(type)) return [typeError('is not an integer column')];
      return [];
    case 'date':
      if (type !== 'date' && !DATETIME_TYPES.has(type)) return [typeError('cannot hold a date')];
      return [];
    case 'datetime':
      if (!DATETIME_TYPES.has(type)) return [typeError('cannot hold a date and time')];
      return [];
    case 'status': {
      const values = Object.values(map.customers.columns.status!.values);
      if (!TEXT_TYPES.has(type) && !INTEGER_TYPES.has(type)) return [typeError('cannot hold the status values')];
      if (INTEGER_TYPES.has(type) && values.some((v) => typeof v !== 'number'))
        return [typeError(`is numeric, but the map's status values include text (${JSON.stringify(values)})`)];
      return [];
    }
    case 'text':
      break;
  }
  if (!TEXT_TYPES.has(type)) return [typeError('is not a text column')];
  const findings: Finding[] = [];
  const charset = column.charset?.toLowerCase() ?? '';
  const short = e.length !== undefined && column.maxLength !== null && column.maxLength < e.length;
  const caseSensitive = e.caseInsensitive === true && column.collation !== null && !/_ci$/i.test(column.collation);
  // One MODIFY per column fixes all of its findings at once: the model's length, utf8mb4, a case-insensitive collation.
  const width = short ? `${column.dataType.toUpperCase()}(${e.length})` : column.columnType;
  const fix = `ALTER TABLE \`${e.table}\` MODIFY \`${e.column}\` ${width} ${UTF8MB4} ${nullability};`;
  if (charset !== 'utf8mb4') {
    findings.push({
      severity: 'warning',
      kind: 'charset',
      entry: e.entry,
      message: `${where} is ${charset || 'of unknown charset'}, short of Unicode: text it cannot store (an emoji) is refused with a 400`,
      fix,
    });
  }
  if (caseSensitive) {
    findings.push({
      severity: 'warning',
      kind: 'collation',
      entry: e.entry,
      message: `${where} has collation ${column.collation}, which compares case-sensitively: email search and uniqueness miss rows in another case`,
      fix,
    });
  }
  if (short) {
    findings.push({
      severity: 'warning',
      kind: 'length',
      entry: e.entry,
      message: `${where} holds ${column.maxLength} characters where CustomerFlow accepts ${e.length}: longer values are refused with a 400`,
      fix,
    });
  }
  return findings;
}

/** Indexes the reads need: the list's sorts (created, name), the email/document lookups, the addresses by customer. */
function indexFindings(map: SchemaMap, live: LiveSchema, tables: Set<string>): Finding[] {
  const t = map.customers;
  const c = t.columns;
  const needs: { entry: string; table: string; columns: string[]; why: string }[] = [
    {
      entry: 'customers.columns.createdAt',
      table: t.table,
      columns: [c.createdAt, t.id],
      why: 'the list sorted by createdAt (the default) and the createdFrom/createdTo filters',
    },
    {
      entry: 'customers.columns.name',
      table: t.table,
      columns: [c.name, t.id],
      why: 'the list sorted by name and the q (name prefix) search',
    },
    {
      entry: 'customers.columns.email',
      table: t.table,
      columns: [c.email],
      why: 'the email filter and the email uniqueness check',
    },
  ];
  if (c.document)
    needs.push({
      entry: 'customers.columns.document.number',
      table: t.table,
      columns: [c.document.number],
      why: 'the document filter and the document uniqueness check',
    });
  if (map.addresses)
    needs.push({
      entry: 'addresses.customerId',
      table: map.addresses.table,
      columns: [map.addresses.customerId],
      why: "a customer's addresses",
    });
  const findings: Finding[] = [];
  for (const need of needs) {
    if (!tables.has(need.table.toLowerCase())) continue;
    const lead = need.columns[0].toLowerCase();
    // InnoDB secondary indexes end with the primary key, so an index led by the column also orders by id.
    const served = live.indexes.some(
      (index) => index.table.toLowerCase() === need.table.toLowerCase() && index.columns[0]?.toLowerCase() === lead,
    );
    if (served) continue;
    const name = `ix_${need.table}_${need.columns[0]}`.slice(0, 64);
    findings.push({
      severity: 'warning',
      kind: 'index',
      entry: need.entry,
      message: `no index on ${need.table}(${need.columns.join(', ')}) for ${need.why}: each reads the whole table`,
      fix: `CREATE INDEX \`${name}\` ON \`${need.table}\` (${need.columns.map((col) => `\`${col}\``).join(', ')});`,
    });
  }
  return findings;
}

function createTableDdl(table: string, columns: readonly Expected[]): string {
  const id = columns[0];
  const lines = columns.map(
    (e, i) => `  \`${e.column}\` ${e.ddl} ${e.nullable ? 'NULL' : 'NOT NULL'}${i === 0 ? ' AUTO_INCREMENT' : ''}`,
  );
  return `CREATE TABLE \`${table}\` (\n${lines.join(',\n')},\n  PRIMARY KEY (\`${id.column}\`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;`;
}

/** The live schema of the connected database, from information_schema. */
export async function readLiveSchema(dataSource: DataSource): Promise<LiveSchema> {
  const tables: { t: string }[] = await dataSource.query(
    'SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
  );
  const columns: Record<string, unknown>[] = await dataSource.query(
    `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS type, COLUMN_TYPE AS columnType,
            CHARACTER_MAXIMUM_LENGTH AS len, CHARACTER_SET_NAME AS charset, COLLATION_NAME AS collation, IS_NULLABLE AS nullable
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()`,
  );
  const indexes: { t: string; name: string; c: string }[] = await dataSource.query(
    `SELECT TABLE_NAME AS t, INDEX_NAME AS name, COLUMN_NAME AS c FROM information_schema.STATISTICS
      WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
  );
  const byIndex = new Map<string, { table: string; name: string; columns: string[] }>();
  for (const row of indexes) {
    const key = `${row.t}.${row.name}`;
    const index = byIndex.get(key) ?? { table: row.t, name: row.name, columns: [] };
    index.columns.push(row.c);
    byIndex.set(key, index);
  }
  return {
    tables: tables.map((row) => row.t),
    columns: columns.map((row) => ({
      table: textOf(row.t),
      column: textOf(row.c),
      dataType: textOf(row.type),
      columnType: String(row.columnType),
      maxLength: row.len == null ? null : Number(row.len),
      charset: row.charset == null ? null : textOf(row.charset),
      collation: row.collation == null ? null : textOf(row.collation),
      nullable: row.nullable === 'YES',
    })),
    indexes: [...byIndex.values()],
  };
}

/** The report `npm run db:check` prints: errors first, each finding with its fix, then a one-line verdict. */
export function formatFindings(findings: readonly Finding[]): string {
  const sorted = [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
  const lines: string[] = [];
  // Findings on one column share one fix (a single MODIFY): printed once, after all of them.
  sorted.forEach((f, i) => {
    lines.push(`${f.severity === 'error' ? 'ERROR  ' : 'WARNING'} ${f.entry}: ${f.message}`);
    if (sorted[i + 1]?.fix === f.fix) return;
    lines.push(...f.fix.split('\n').map((line, n) => `        ${n === 0 ? 'fix: ' : '     '}${line}`));
  });
  const errors = findings.filter((f) => f.severity === 'error').length;
  const warnings = findings.length - errors;
  lines.push(
    errors > 0
      ? `${errors} error(s), ${warnings} warning(s): CustomerFlow cannot run on this schema until the errors are fixed.`
      : `0 errors, ${warnings} warning(s): CustomerFlow can run on this schema.`,
  );
  return lines.join('\n');
}
