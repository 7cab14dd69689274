/**
 * INSERTs of an entity's rows whose SQL is built once from TypeORM's entity metadata (table and column names as the
 * entity maps them) and then run on the caller's EntityManager with `manager.query`, so they stay inside the unit
 * of work's transaction. TypeORM's InsertQueryBuilder rebuilds the same statement on every call: it clones its
 * expression map, runs a regular-expression pass per alias over the SQL and turns named parameters back into `?`,
 * which was about 5% of a registration's CPU for two statements that never change.
 *
 * Values go through the driver's `preparePersistentValue`, as the builder's do (column transformers, dates). A
 * column whose value is undefined is left out, so the database's default applies where the builder would write
 * DEFAULT; the rows of one call must leave out the same columns. Only plain columns are supported: an entity with a
 * version, discriminator, generated uuid, JSON or spatial column is refused at its first insert,
 * because the builder gives those values of its own.
 */
import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';

type ColumnMetadata = EntityMetadata['columns'][number];

interface InsertStatement {
  readonly columns: readonly ColumnMetadata[];
  readonly sql: string;
}

/** What is known of an entity once: its insertable columns, and a statement per row shape and row count. */
interface EntityInserts {
  readonly insertable: readonly ColumnMetadata[];
  readonly statements: Map<string, InsertStatement>;
}

const inserts = new WeakMap<EntityMetadata, EntityInserts>();

/** Inserts `rows` (at least one) and returns the driver's raw result: mysql2's result header, SQLite's row id. */
export async function insertRows<Entity extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<Entity>,
  rows: readonly Partial<Entity>[],
): Promise<unknown> {
  if (rows.length === 0) throw new Error('insertRows needs at least one row');
  const metadata = manager.connection.getMetadata(entity);
  const statement = statementFor(manager, metadata, rows);
  const driver = manager.connection.driver;
  const parameters: unknown[] = [];
  for (const row of rows) {
    for (const column of statement.columns)
      parameters.push(driver.preparePersistentValue(column.getEntityValue(row), column));
  }
  return manager.query(statement.sql, parameters);
}

function insertsOf(metadata: EntityMetadata): EntityInserts {
  let known = inserts.get(metadata);
  if (!known) {
    refuseSpecialColumns(metadata);
    known = { insertable: metadata.columns.filter((column) => column.isInsert), statements: new Map() };
    inserts.set(metadata, known);
  }
  return known;
}

/** Which insertable columns the row gives a value: one character per column, `1` given, `0` left out. */
function shapeOf(insertable: readonly ColumnMetadata[], row: ObjectLiteral): string {
  let shape = '';
  for (const column of insertable) shape += column.getEntityValue(row) === undefined ? '0' : '1';
  return shape;
}

function statementFor(
  manager: EntityManager,
  metadata: EntityMetadata,
  rows: readonly ObjectLiteral[],
): InsertStatement {
  const { insertable, statements } = insertsOf(metadata);
  const shape = shapeOf(insertable, rows[0]);
  if (rows.some((row) => shapeOf(insertable, row) !== shape))
    throw new Error(`insertRows: the rows for ${metadata.tableName} leave out different columns`);
  const key = `${shape}:${rows.length}`;
  const cached = statements.get(key);
  if (cached) return cached;

  const columns = insertable.filter((_, index) => shape[index] === '1');
  const driver = manager.connection.driver;
  const table = metadata.tablePath
    .split('.')
    .map((part) => driver.escape(part))
    .join('.');
  const tuple = `(${columns.map(() => '?').join(', ')})`;
  const sql = `INSERT INTO ${table} (${columns.map((c) => driver.escape(c.databaseName)).join(', ')}) VALUES ${Array.from(
    rows,
    () => tuple,
  ).join(', ')}`;
  const statement = { columns, sql };
  statements.set(key, statement);
  return statement;
}

function refuseSpecialColumns(metadata: EntityMetadata): void {
  const special = metadata.columns.find(
    (c) =>
      c.isVersion ||
      c.isDiscriminator ||
      (c.isGenerated && c.generationStrategy === 'uuid') ||
      ['json', 'simple-json', 'jsonb', 'geometry', 'point', 'linestring', 'polygon'].includes(String(c.type)),
  );
  if (special)
    throw new Error(`insertRows supports plain columns only: ${metadata.tableName}.${special.databaseName} is not one`);
}
