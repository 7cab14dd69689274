/**
 * The bench database: created if missing, migrated with the service's own migrations (the TypeORM CLI on
 * dist/ormconfig.js, as `npm run migration:run` does), emptied between scenarios, and seeded with fast multi-row
 * INSERTs rather than through HTTP.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createConnection, createPool, type Pool, type RowDataPacket } from 'mysql2/promise';
import type { BenchConfig } from './config';
import { registeredEnvelope, seededCustomer, toDb } from './customers-data';

const run = promisify(execFile);

export const BENCH_TABLES = [
  'customer_addresses',
  'outbox_messages',
  'idempotency_keys',
  'customers',
  'inbox_messages',
];

export async function prepareDatabase(config: BenchConfig): Promise<void> {
  const server = new URL(config.databaseUrl);
  server.pathname = '/';
  const admin = await createConnection({ uri: server.toString() });
  try {
    await admin.query(
      `CREATE DATABASE IF NOT EXISTS \`${config.databaseName}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  } finally {
    await admin.end();
  }
  await run(
    process.execPath,
    [join(config.root, 'node_modules/typeorm/cli.js'), 'migration:run', '-d', join(config.root, 'dist/ormconfig.js')],
    {
      cwd: config.root,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: config.databaseUrl },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}

/** A small pool rather than one connection, so the bench survives a database restart by another suite. */
export function connectBench(config: BenchConfig): Pool {
  return createPool({
    uri: config.databaseUrl,
    connectionLimit: 2,
    timezone: 'Z',
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: ['DATE'],
  });
}

export async function emptyTables(db: Pool): Promise<void> {
  const connection = await db.getConnection();
  try {
    await connection.query('SET FOREIGN_KEY_CHECKS = 0');
    for (const table of BENCH_TABLES) await connection.query(`TRUNCATE TABLE ${table}`);
    await connection.query('SET FOREIGN_KEY_CHECKS = 1');
  } finally {
    connection.release();
  }
}

/** `count` customers with one address each, ids 1..count; `onProgress` gets the rows written so far. */
export async function seedCustomers(db: Pool, count: number, onProgress: (done: number) => void): Promise<void> {
  const createdBase = Date.parse('2025-01-01T00:00:00.000Z');
  const chunk = 2000;
  for (let start = 1; start <= count; start += chunk) {
    const customers: unknown[][] = [];
    const addresses: unknown[][] = [];
    for (let i = start; i < Math.min(start + chunk, count + 1); i++) {
      const c = seededCustomer(i, createdBase);
      customers.push([
        c.id,
        c.name,
        c.email,
        c.phone,
        c.document?.type ?? null,
        c.document?.number ?? null,
        c.birthDate,
        c.status,
        c.version,
        toDb(c.createdAt),
        toDb(c.updatedAt),
        null,
      ]);
      addresses.push(
        ...c.addresses.map((a, position) => [
          c.id,
          position,
          a.street,
          a.number,
          a.complement,
          a.district,
          a.city,
          a.state,
          a.postalCode,
          a.country,
        ]),
      );
    }
    await db.query(
      'INSERT INTO customers (id, name, email, phone, document_type, document_number, birth_date, status, version, created_at, updated_at, erased_at) VALUES ?',
      [customers],
    );
    await db.query(
      'INSERT INTO customer_addresses (customer_id, position, street, number, complement, district, city, state, postal_code, country) VALUES ?',
      [addresses],
    );
    onProgress(Math.min(start + chunk - 1, count));
  }
  await db.query('ANALYZE TABLE customers, customer_addresses');
}

/**
 * A backlog of `count` customer.registered rows, one aggregate each, payloads like the service's: pending by
 * default, or already published at `publishedAt` (the rows retention keeps, or deletes once they are old enough).
 * `keep` leaves the rows already there (bench:scale adds a fresh backlog on top of millions of published rows).
 */
export async function seedOutbox(
  db: Pool,
  count: number,
  onProgress: (done: number) => void,
  options: { publishedAt?: Date; keep?: boolean; firstCustomer?: number } = {},
): Promise<void> {
  if (!options.keep) await db.query('TRUNCATE TABLE outbox_messages');
  const createdBase = Date.parse('2025-01-01T00:00:00.000Z');
  const now = toDb(new Date(Date.now() - 1000));
  const publishedAt = options.publishedAt ? toDb(options.publishedAt) : null;
  const first = options.firstCustomer ?? 1;
  const chunk = 1000;
  for (let start = 1; start <= count; start += chunk) {
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(start + chunk, count + 1); i++) {
      const c = seededCustomer(first + i - 1, createdBase);
      const id = randomUUID();
      rows.push([
        id,
        'customer',
        c.id,
        'customerflow.customer.registered.v1',
        registeredEnvelope(c, id),
        '{}',
        now,
        now,
        publishedAt,
      ]);
    }
    await db.query(
      'INSERT INTO outbox_messages (id, aggregatetype, aggregateid, type, payload, headers, occurred_at, available_at, published_at) VALUES ?',
      [rows],
    );
    onProgress(Math.min(start + chunk - 1, count));
  }
  await db.query('ANALYZE TABLE outbox_messages');
}

export async function pendingOutboxRows(db: Pool): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT COUNT(*) AS n FROM outbox_messages FORCE INDEX (ix_outbox_pending) WHERE published_at IS NULL AND dead_lettered_at IS NULL',
  );
  return Number(rows[0].n);
}

/** When the published rows were marked: the first and last mark, and how many rows share the first mark. */
export async function publishedSpan(
  db: Pool,
): Promise<{ published: number; first: Date | null; last: Date | null; inFirstMark: number }> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT COUNT(*) AS n, MIN(published_at) AS first, MAX(published_at) AS last FROM outbox_messages WHERE published_at IS NOT NULL',
  );
  const row = rows[0];
  if (Number(row.n) === 0) return { published: 0, first: null, last: null, inFirstMark: 0 };
  const [firstMark] = await db.query<RowDataPacket[]>(
    'SELECT COUNT(*) AS n FROM outbox_messages WHERE published_at = ?',
    [row.first],
  );
  return {
    published: Number(row.n),
    first: row.first as Date,
    last: row.last as Date,
    inFirstMark: Number(firstMark[0].n),
  };
}

/** Seconds since MariaDB started: a smaller value after a scenario than before means it was restarted meanwhile. */
export async function serverUptimeS(db: Pool): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Uptime'");
  return Number(rows[0].Value);
}

export async function serverVersion(db: Pool): Promise<string> {
  const [rows] = await db.query<RowDataPacket[]>('SELECT VERSION() AS v');
  return String(rows[0].v);
}

export interface Plan {
  table: string;
  type: string;
  key: string | null;
  rows: number;
  extra: string | null;
}

const explainPrefixes = new WeakMap<Pool, Promise<string>>();

/** The server's kind is asked once per pool. */
function explainPrefix(db: Pool): Promise<string> {
  let prefix = explainPrefixes.get(db);
  if (!prefix) {
    prefix = db
      .query<RowDataPacket[]>('SELECT VERSION() AS v')
      .then(([[{ v }]]) => (/mariadb/i.test(String(v)) ? 'EXPLAIN' : 'EXPLAIN FORMAT=TRADITIONAL'));
    explainPrefixes.set(db, prefix);
  }
  return prefix;
}

/**
 * EXPLAIN, reduced to what says whether an index serves the statement. As a table: MySQL 9's EXPLAIN defaults to a
 * tree (`explain_format`), and MariaDB knows no FORMAT=TRADITIONAL.
 */
export async function explain(db: Pool, sql: string, parameters: unknown[]): Promise<Plan[]> {
  const [rows] = await db.query<RowDataPacket[]>(`${await explainPrefix(db)} ${sql}`, parameters);
  return rows.map((r) => ({
    table: String(r.table),
    type: String(r.type),
    key: (r.key as string | null) ?? null,
    rows: Number(r.rows),
    extra: (r.Extra as string | null) ?? null,
  }));
}

const CUSTOMER_COLUMNS =
  'c.id, c.name, c.email, c.phone, c.document_type, c.document_number, c.birth_date, c.status, c.version, c.created_at, c.updated_at';

/** The read statements the service and the floor both run, explained on the seeded table. */
export async function explainReads(db: Pool, customers: number): Promise<Record<string, Plan[]>> {
  const ids = Array.from({ length: 50 }, (_, i) => String(customers - i * 2));
  return {
    getById: await explain(
      db,
      `SELECT ${CUSTOMER_COLUMNS}, a.street FROM customers c LEFT JOIN customer_addresses a ON a.customer_id = c.id WHERE c.id = ? ORDER BY a.position`,
      [String(Math.ceil(customers / 2))],
    ),
    listPage: await explain(
      db,
      `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.status = ? ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
      ['active', 51],
    ),
    listAddresses: await explain(
      db,
      'SELECT a.customer_id FROM customer_addresses a WHERE a.customer_id IN (?) ORDER BY a.customer_id, a.position',
      [ids],
    ),
  };
}

/** The relay's statements (the service's claim and order gate; the floor runs the same claim), on the seeded backlog. */
export async function explainRelay(db: Pool, batchSize: number): Promise<Record<string, Plan[]>> {
  const now = toDb(new Date());
  const aggregates = Array.from({ length: batchSize }, (_, i) => String(i + 1));
  return {
    claim: await explain(
      db,
      `SELECT position, id, aggregatetype, aggregateid, type, payload, headers, occurred_at, attempts FROM outbox_messages FORCE INDEX (ix_outbox_pending)
        WHERE published_at IS NULL AND dead_lettered_at IS NULL AND available_at <= ? AND (lease_until IS NULL OR lease_until <= ?)
        ORDER BY position LIMIT ? FOR UPDATE SKIP LOCKED`,
      [now, now, batchSize],
    ),
    orderGate: await explain(
      db,
      `SELECT aggregateid, position FROM outbox_messages FORCE INDEX (ix_outbox_aggregate)
        WHERE aggregateid IN (?) AND position < ? AND published_at IS NULL AND dead_lettered_at IS NULL`,
      [aggregates, batchSize],
    ),
  };
}
