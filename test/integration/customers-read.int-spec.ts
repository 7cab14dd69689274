/**
 * MariaDB/MySQL: with 100,000 customers, EXPLAIN of every shape the list query takes (each sort, first page and a
 * later page, without filters and with each filter and their combinations) reads an index, never the whole table;
 * the page's addresses are one primary-key range. Then a few pages are read through the API at that size.
 * The SQL is the handler's own (listCustomersSql), so the plans checked are the plans that run.
 */
import type { CustomerListCriteria, CustomerSort } from '../../libs/customers/src';
import { listCustomersSql } from '../../libs/customers/src/application/queries/list-customers/list-sql';
import { fromDb } from '../../libs/platform/src';
import { insertCustomers, type SeedCustomer } from '../support/customer-seed';
import { cleanDatabase } from '../support/database-cleaner';
import { startTestApp, type TestApp } from '../support/test-app';

const ROWS = 100_000;
const FIRST = [
  'Ana',
  'Bruno',
  'Carla',
  'Diego',
  'Elisa',
  'Fábio',
  'Gabriela',
  'Hugo',
  'Íris',
  'João',
  'Karla',
  'Luís',
  'Maria',
  'Nuno',
  'Olga',
  'Paulo',
  'Rita',
  'Sérgio',
  'Tânia',
  'Vítor',
];
const LAST = ['Souza', 'Lima', 'Reis', 'Costa', 'Alves', 'Dias', 'Mota', 'Pereira', 'Santos', 'Oliveira', 'Ferreira'];
const SORTS: CustomerSort[] = ['-createdAt', 'createdAt', 'name', '-name'];
const START = Date.parse('2024-01-01T00:00:00.000Z');

let t: TestApp;
let sample: { email: string; document: string; name: string; id: string };

interface ExplainRow {
  table: string | null;
  type: string | null;
  key: string | null;
  rows: number | string | null;
  Extra: string | null;
}

beforeAll(async () => {
  t = await startTestApp();
  const customers: SeedCustomer[] = Array.from({ length: ROWS }, (_, i) => ({
    name: `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]} ${i}`,
    // about 4.4 minutes apart over the year, with runs of equal times
    createdAt: new Date(START + Math.floor(i / 3) * 789_000),
    email: `customer.${i}@example.com`,
    status: i % 50 === 0 ? 'erased' : i % 7 === 0 ? 'inactive' : 'active',
    document: i % 2 === 0 ? { type: 'CPF', number: String(10_000_000_000 + i) } : null,
  }));
  const ids = await insertCustomers(t.dataSource, customers, 2_000);
  await t.dataSource.query('ANALYZE TABLE customers');
  // An active customer with a document, from the middle of the table.
  const middle = customers.findIndex((c, i) => i >= ROWS / 2 && c.status === 'active' && c.document);
  sample = {
    email: customers[middle].email!,
    document: customers[middle].document!.number,
    name: customers[middle].name,
    id: ids[middle],
  };
}, 120_000);

afterAll(async () => {
  await cleanDatabase(t.dataSource);
  await t.close();
});

type Filters = Partial<
  Pick<CustomerListCriteria, 'status' | 'email' | 'document' | 'namePrefix' | 'createdFrom' | 'createdTo'>
>;

const FROM = new Date(START + 90 * 86_400_000);
const TO = new Date(START + 120 * 86_400_000);

/** Filter combinations; functions, because the sample customer they look for exists only once the rows are seeded. */
const FILTER_SETS: Array<[string, () => Filters]> = [
  ['no filter', () => ({})],
  ['status=active', () => ({ status: 'active' })],
  ['status=inactive', () => ({ status: 'inactive' })],
  ['email', () => ({ email: sample.email.toUpperCase() })],
  ['email + status', () => ({ email: sample.email, status: 'active' })],
  ['document', () => ({ document: sample.document })],
  ['q (short)', () => ({ namePrefix: 'Ma' })],
  ['q (long)', () => ({ namePrefix: sample.name.slice(0, 12) })],
  ['q + status', () => ({ namePrefix: 'Ma', status: 'inactive' })],
  ['createdFrom', () => ({ createdFrom: FROM })],
  ['createdTo', () => ({ createdTo: TO })],
  ['createdFrom + createdTo', () => ({ createdFrom: FROM, createdTo: TO })],
  ['created window + status', () => ({ createdFrom: FROM, createdTo: TO, status: 'inactive' })],
  ['q + created window', () => ({ namePrefix: 'Jo', createdFrom: FROM, createdTo: TO })],
  [
    'every filter but email and document',
    () => ({ status: 'active', namePrefix: 'Ri', createdFrom: FROM, createdTo: TO }),
  ],
];

const shapes = SORTS.flatMap((sort) =>
  FILTER_SETS.flatMap(([label, filters]) => [
    [`sort=${sort}, ${label}, first page`, sort, filters, false] as const,
    [`sort=${sort}, ${label}, later page`, sort, filters, true] as const,
  ]),
);

let explainPrefix: Promise<string> | undefined;

/** The plan as a table: MySQL 9's EXPLAIN defaults to a tree (`explain_format`), MariaDB knows no FORMAT=TRADITIONAL. */
async function explain(sql: string, parameters: readonly unknown[]): Promise<ExplainRow[]> {
  explainPrefix ??= t.dataSource
    .query('SELECT VERSION() AS v')
    .then(([{ v }]: Array<{ v: string }>) => (/mariadb/i.test(v) ? 'EXPLAIN' : 'EXPLAIN FORMAT=TRADITIONAL'));
  return t.dataSource.query(`${await explainPrefix} ${sql}`, parameters as unknown[]);
}

/**
 * A plan step that reads an index (or, for a unique-key lookup, is settled by reading that one row) and does not sort
 * a large part of the table for one page: without the name indexes MariaDB still uses an index (a range on status)
 * but then sorts every customer, which "no type ALL" alone would let through.
 */
function readsAnIndex(row: ExplainRow, uniqueLookup = false): boolean {
  if (
    uniqueLookup &&
    /Impossible WHERE noticed after reading const tables|no matching row in const table/.test(row.Extra ?? '')
  )
    return true;
  const sortsTooMuch = /Using filesort/.test(row.Extra ?? '') && Number(row.rows) > ROWS / 5;
  // A row without a type is a plan in another format (a tree): it proves nothing, so it fails.
  return typeof row.type === 'string' && row.type !== 'ALL' && row.key != null && !sortsTooMuch;
}

describe(`list query plans at ${ROWS.toLocaleString('en')} customers`, () => {
  it.each(shapes)('%s uses an index', async (_label, sort, filters, later) => {
    const first: CustomerListCriteria = {
      status: null,
      email: null,
      document: null,
      namePrefix: null,
      createdFrom: null,
      createdTo: null,
      ...filters(),
      sort,
      limit: 20,
      after: null,
    };
    const unique = first.email !== null || first.document !== null;
    let criteria = first;
    if (later) {
      // Continue after the first page's last row, as a client would: a cursor from real data fits the filters.
      const { sql, parameters } = listCustomersSql(first, 21);
      const rows: Array<{ id: string; name: string; created_at: Date }> = await t.dataSource.query(
        sql,
        parameters as unknown[],
      );
      const last = rows[Math.min(rows.length, 20) - 1];
      if (!unique) expect(rows).toHaveLength(21); // the seed gives every other filter set more than one page
      criteria = {
        ...first,
        after: {
          sort,
          value: sort.endsWith('name') ? last.name : fromDb(last.created_at).toISOString(),
          id: String(last.id),
        },
      };
    }
    const { sql, parameters } = listCustomersSql(criteria, 21);
    const plan = await explain(sql, parameters);
    // A unique-key lookup (email, document) may be settled by reading that one row, before any plan is needed.
    expect(plan.filter((row) => !readsAnIndex(row, unique))).toEqual([]);
  });

  it('reads the addresses of a page by primary key', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => String(BigInt(sample.id) + BigInt(i)));
    const plan = await explain(
      `SELECT a.customer_id FROM customer_addresses a WHERE a.customer_id IN (${ids.map(() => '?').join(', ')}) ORDER BY a.customer_id, a.position`,
      ids,
    );
    expect(plan.filter((row) => !readsAnIndex(row))).toEqual([]);
  });

  it('the check can fail: a full scan, or a sort of most of the table, is refused', async () => {
    const scan = await explain('SELECT c.id FROM customers c WHERE c.phone = ? ORDER BY c.updated_at LIMIT 21', [
      '+5511987654321',
    ]);
    expect(scan.map((row) => [row.type, readsAnIndex(row)])).toEqual([['ALL', false]]);
    const sort = await explain(
      "SELECT c.id FROM customers c WHERE c.status = 'active' ORDER BY c.updated_at LIMIT 21",
      [],
    );
    expect(sort.map((row) => [row.key, /Using filesort/.test(row.Extra ?? ''), readsAnIndex(row)])).toEqual([
      ['ix_customers_status_created', true, false],
    ]);
  });
});

describe(`GET /v1/customers at ${ROWS.toLocaleString('en')} customers`, () => {
  it.each(SORTS)("sort=%s: three pages of 100 are the first 300 rows in the database's own order", async (sort) => {
    const ids: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 3; page += 1) {
      const response = await t
        .http()
        .get('/v1/customers')
        .query({ sort, limit: 100, ...(cursor ? { cursor } : {}) });
      expect(response.status).toBe(200);
      expect(response.body.items).toHaveLength(100);
      ids.push(...response.body.items.map((c: { id: string }) => c.id));
      cursor = response.body.nextCursor;
    }
    const column = sort.endsWith('name') ? 'name' : 'created_at';
    const direction = sort.startsWith('-') ? 'DESC' : 'ASC';
    const expected = await t.dataSource.query(
      `SELECT id FROM customers WHERE status <> 'erased' ORDER BY ${column} ${direction}, id ${direction} LIMIT 300`,
    );
    expect(ids).toEqual(expected.map((row: { id: string | number }) => String(row.id)));
  });
});
