/**
 * The read side over HTTP: GET /v1/customers with every filter, sort, bound and error of docs/read-side.md, keyset
 * paging while customers are registered, changed and erased, and the conditional GET of one customer. Runs on SQLite
 * (`npm test`) and on MariaDB (`npm run test:integration`); the EXPLAIN checks at 100,000 rows are in
 * test/integration/customers-read.int-spec.ts.
 */
import type { Response } from 'supertest';
import { aRegistration, aValidCpf } from '../support/customer-bodies';
import { insertCustomers, type SeedCustomer } from '../support/customer-seed';
import { cleanDatabase } from '../support/database-cleaner';
import { isIntegration, startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});
beforeEach(async () => {
  await cleanDatabase(t.dataSource);
});

const T0 = Date.parse('2025-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms);
const DAY = 86_400_000;

type Query = Record<string, string | number>;

async function register(overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const response = await t.http().post('/v1/customers').send(aRegistration(overrides));
  expect(response.status).toBe(201);
  return response.body;
}

function list(query: Query = {}): Promise<Response> {
  return t.http().get('/v1/customers').query(query);
}

async function listIds(query: Query = {}): Promise<string[]> {
  const response = await list({ limit: 100, ...query });
  expect(response.status).toBe(200);
  return response.body.items.map((c: { id: string }) => c.id);
}

/** Follows nextCursor to the end; `between` runs after each page but the last (to write while paging). */
async function walk(
  query: Query,
  between: (pageIds: string[]) => Promise<void> = async () => {},
): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const response = await list({ ...query, ...(cursor ? { cursor } : {}) });
    expect(response.status).toBe(200);
    const pageIds = response.body.items.map((c: { id: string }) => c.id);
    ids.push(...pageIds);
    cursor = response.body.nextCursor;
    pages += 1;
    if (pages > 1000) throw new Error('the cursor never ends');
    if (cursor !== null) {
      expect(pageIds).toHaveLength(Number(query.limit ?? 20)); // only the last page may be short
      await between(pageIds);
    }
  } while (cursor !== null);
  return { ids, pages };
}

function expectProblem(response: Response, status: number, slug: string, pointer?: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({
    type: `/problems/${slug}`,
    status,
    title: expect.any(String),
    detail: expect.any(String),
  });
  if (pointer !== undefined) expect(response.body.errors).toContainEqual({ pointer, detail: expect.any(String) });
}

/** The expected order for a sort: by the key (names case-insensitively, as both databases compare them), then by id. */
function ordered(rows: ReadonlyArray<{ id: string; name: string; createdAt: Date }>, sort: string): string[] {
  const descending = sort.startsWith('-');
  const key = (r: { name: string; createdAt: Date }) =>
    sort.endsWith('name') ? r.name.toLowerCase() : r.createdAt.toISOString();
  return [...rows]
    .sort((a, b) => {
      const byKey = key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : Number(BigInt(a.id) - BigInt(b.id));
      return descending ? -byKey : byKey;
    })
    .map((r) => r.id);
}

async function seed(customers: readonly SeedCustomer[]): Promise<Array<SeedCustomer & { id: string }>> {
  const ids = await insertCustomers(t.dataSource, customers);
  return customers.map((c, i) => ({ ...c, id: ids[i] }));
}

describe('GET /v1/customers: the page', () => {
  it('lists customers newest first by default, each exactly as GET /v1/customers/{id} shows it', async () => {
    const address = (street: string) => ({
      street,
      number: '1',
      complement: 'Apto 2',
      district: 'Centro',
      city: 'Recife',
      state: 'PE',
      postalCode: '50010000',
      country: 'BR',
    });
    const registered = [
      await register({ addresses: [address('Rua A'), address('Rua B')] }),
      await register({ addresses: [], phone: null, document: null, birthDate: null }),
      await register(),
    ];
    const response = await list();
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const expectedIds = ordered(
      registered.map((c) => ({ id: c.id, name: c.name, createdAt: new Date(c.createdAt) })),
      '-createdAt',
    );
    const reads = await Promise.all(expectedIds.map((id) => t.http().get(`/v1/customers/${id}`)));
    expect(response.body).toEqual({ items: reads.map((r) => r.body), nextCursor: null });
    expect(
      response.body.items
        .find((c: { id: string }) => c.id === registered[0].id)
        .addresses.map((a: { street: string }) => a.street),
    ).toEqual(['Rua A', 'Rua B']);
  });

  it('shows a customer to a list request made right after registering it (read-after-write)', async () => {
    const customer = await register();
    expect(await listIds()).toEqual([customer.id]);
    expect(await listIds({ email: customer.email })).toEqual([customer.id]);
    const changed = await t
      .http()
      .patch(`/v1/customers/${customer.id}`)
      .set('If-Match', '"1"')
      .set('Content-Type', 'application/merge-patch+json')
      .send({ name: 'Renamed Right Away' });
    expect(changed.status).toBe(200);
    const listed = await list({ q: 'Renamed' });
    expect(listed.body.items).toEqual([changed.body]);
  });

  it('answers an empty list with no cursor', async () => {
    const response = await list({ q: 'Nobody' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ items: [], nextCursor: null });
  });

  it('never lists an erased customer, whatever the filters and sort', async () => {
    const cpf = aValidCpf();
    const erased = await register({ name: 'Zed Erased', document: { type: 'CPF', number: cpf } });
    const kept = await register({ name: 'Zed Kept' });
    expect((await t.http().delete(`/v1/customers/${erased.id}`)).status).toBe(204);
    await seed([{ name: 'seeded erased', createdAt: new Date(), status: 'erased' }]);
    for (const query of <Query[]>[
      {},
      { status: 'active' },
      { q: 'Zed' },
      { sort: 'name' },
      { sort: '-name' },
      { sort: 'createdAt' },
      { createdFrom: erased.createdAt },
    ]) {
      expect(await listIds(query)).toEqual([kept.id]);
    }
    expect(await listIds({ status: 'inactive' })).toEqual([]);
    expect(await listIds({ document: cpf })).toEqual([]);
    expect(await listIds({ email: erased.email })).toEqual([]);
  });
});

describe('GET /v1/customers: filters', () => {
  it('filters by status', async () => {
    const [a, b, c] = [await register(), await register(), await register()];
    expect((await t.http().post(`/v1/customers/${b.id}/deactivate`)).status).toBe(200);
    expect(await listIds({ status: 'inactive' })).toEqual([b.id]);
    expect((await listIds({ status: 'active' })).sort()).toEqual([a.id, c.id].sort());
  });

  it('finds a customer by exact email, trimmed and case-insensitive, and not by a part of it', async () => {
    const customer = await register({ email: 'Mixed.Case@Example.com' });
    await register();
    expect(await listIds({ email: '  MIXED.case@EXAMPLE.COM ' })).toEqual([customer.id]);
    expect(await listIds({ email: 'mixed.case@example.com' })).toEqual([customer.id]);
    expect(await listIds({ email: 'mixed.case@example' })).toEqual([]);
    expect(await listIds({ email: 'mixed' })).toEqual([]);
  });

  it('finds a customer by exact document, with or without punctuation, and not by a part of it', async () => {
    const cpf = aValidCpf();
    const person = await register({ document: { type: 'CPF', number: cpf } });
    const company = await register({ document: { type: 'CNPJ', number: '12.ABC.345/01DE-35' } });
    await register();
    expect(await listIds({ document: cpf })).toEqual([person.id]);
    expect(
      await listIds({ document: `${cpf.slice(0, 3)}.${cpf.slice(3, 6)}.${cpf.slice(6, 9)}-${cpf.slice(9)}` }),
    ).toEqual([person.id]);
    expect(await listIds({ document: '12.abc.345/01de-35' })).toEqual([company.id]);
    expect(await listIds({ document: '12ABC34501DE35' })).toEqual([company.id]);
    expect(await listIds({ document: cpf.slice(0, 9) })).toEqual([]);
  });

  it('finds names by prefix, ignoring case, and never in the middle of a name', async () => {
    const names = ['Ana Souza', 'ana lima', 'ANABELA Reis', 'Mariana Ana', 'Bruno Ana'];
    const customers = Object.fromEntries(
      await Promise.all(names.map(async (name) => [name, (await register({ name })).id])),
    );
    expect(await listIds({ q: 'ana', sort: 'name' })).toEqual([
      customers['ana lima'],
      customers['Ana Souza'],
      customers['ANABELA Reis'],
    ]);
    expect(await listIds({ q: 'ANA S' })).toEqual([customers['Ana Souza']]);
    expect(await listIds({ q: 'Souza' })).toEqual([]);
    expect(await listIds({ q: 'Bruno Ana' })).toEqual([customers['Bruno Ana']]);
  });

  it('takes %, _, \\ and ! in the prefix literally', async () => {
    const names = ['100% Real', '100 Real', '1000 Real', 'a_b', 'axb', 'back\\slash', 'backslash', 'wow!', 'wowx'];
    const customers = Object.fromEntries(
      await Promise.all(names.map(async (name) => [name, (await register({ name })).id])),
    );
    expect(await listIds({ q: '100%' })).toEqual([customers['100% Real']]);
    expect(await listIds({ q: 'a_' })).toEqual([customers.a_b]);
    expect(await listIds({ q: 'back\\' })).toEqual([customers['back\\slash']]);
    expect(await listIds({ q: 'wow!' })).toEqual([customers['wow!']]);
    expect(await listIds({ q: '%' })).toEqual([]);
    expect(await listIds({ q: '_' })).toEqual([]);
  });

  it(`folds ${isIntegration ? 'case and accents of all letters on MariaDB (utf8mb4_unicode_ci)' : 'the case of ASCII letters only on SQLite (NOCASE)'} in the prefix`, async () => {
    const customer = await register({ name: 'Ánia Reis' });
    expect(await listIds({ q: 'Ánia' })).toEqual([customer.id]);
    expect(await listIds({ q: 'ÁNIA' })).toEqual([customer.id]);
    expect(await listIds({ q: 'ánia' })).toEqual(isIntegration ? [customer.id] : []);
    expect(await listIds({ q: 'ania' })).toEqual(isIntegration ? [customer.id] : []);
  });

  it('includes createdFrom and excludes createdTo', async () => {
    const rows = await seed([-1, 0, 1, DAY - 1, DAY].map((ms) => ({ name: `At ${ms}`, createdAt: at(ms) })));
    const idAt = (ms: number) => rows.find((r) => r.createdAt.getTime() === T0 + ms)!.id;
    const window = { createdFrom: at(0).toISOString(), createdTo: at(DAY).toISOString(), sort: 'createdAt' };
    expect(await listIds(window)).toEqual([idAt(0), idAt(1), idAt(DAY - 1)]);
    expect(await listIds({ createdFrom: at(0).toISOString(), sort: 'createdAt' })).toEqual([
      idAt(0),
      idAt(1),
      idAt(DAY - 1),
      idAt(DAY),
    ]);
    expect(await listIds({ createdTo: at(0).toISOString(), sort: 'createdAt' })).toEqual([idAt(-1)]);
    expect(await listIds({ createdFrom: '2025-01-01T00:00:00.001Z', createdTo: '2025-01-01T00:00:00.002Z' })).toEqual([
      idAt(1),
    ]);
    // The same instants with an offset (supertest encodes the + as %2B, as a client must).
    expect(
      await listIds({
        createdFrom: '2025-01-01T02:00:00+02:00',
        createdTo: '2025-01-01T21:00:00-03:00',
        sort: 'createdAt',
      }),
    ).toEqual([idAt(0), idAt(1), idAt(DAY - 1)]);
  });

  it('combines filters with AND', async () => {
    const rows = await seed([
      { name: 'Carla Dias', createdAt: at(0), status: 'inactive', email: 'carla.first@example.com' },
      { name: 'Carla Dias', createdAt: at(10), status: 'active', email: 'carla.second@example.com' },
      { name: 'Carla Mota', createdAt: at(20), status: 'inactive' },
      { name: 'Carlos Dias', createdAt: at(30), status: 'inactive' },
      { name: 'Carla Dias', createdAt: at(DAY), status: 'inactive' },
    ]);
    const query = {
      status: 'inactive',
      q: 'carla',
      createdFrom: at(0).toISOString(),
      createdTo: at(DAY).toISOString(),
      sort: '-name',
    };
    expect(await listIds(query)).toEqual([rows[2].id, rows[0].id]);
    expect(await listIds({ ...query, email: 'carla.first@example.com' })).toEqual([rows[0].id]);
    expect(await listIds({ ...query, email: 'carla.second@example.com' })).toEqual([]);
  });
});

describe('GET /v1/customers: sorting', () => {
  // Letters and spaces only, so that JavaScript's case-insensitive order is the order of both collations.
  const NAMES = ['delta', 'Alpha', 'charlie', 'Bravo', 'alpha', 'echo', 'Charlie', 'alpha beta', 'ALPHA', 'bravo'];
  const TIMES = [5, 1, 3, 3, 3, 0, 7, 1, 9, 3];

  it.each(['-createdAt', 'createdAt', 'name', '-name'])(
    'orders by sort=%s, ties by id in the same direction',
    async (sort) => {
      const rows = await seed(NAMES.map((name, i) => ({ name, createdAt: at(TIMES[i]) })));
      expect(await listIds({ sort })).toEqual(ordered(rows, sort));
    },
  );

  it('sorts newest first when no sort is given', async () => {
    const rows = await seed(NAMES.map((name, i) => ({ name, createdAt: at(TIMES[i]) })));
    expect(await listIds()).toEqual(ordered(rows, '-createdAt'));
  });

  it.each(['-createdAt', 'createdAt', 'name', '-name'])(
    'pages through sort=%s with ties across page boundaries',
    async (sort) => {
      const rows = await seed(Array.from({ length: 23 }, (_, i) => ({ name: NAMES[i % 4], createdAt: at(i % 3) })));
      const { ids, pages } = await walk({ sort, limit: 3 });
      expect(pages).toBe(8);
      expect(ids).toEqual(ordered(rows, sort));
    },
  );
});

describe('GET /v1/customers: page size', () => {
  it('returns 20 customers by default, then the rest', async () => {
    const rows = await seed(Array.from({ length: 25 }, (_, i) => ({ name: `Page ${i}`, createdAt: at(i) })));
    const first = await list();
    expect(first.body.items).toHaveLength(20);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await list({ cursor: first.body.nextCursor });
    expect(second.body.nextCursor).toBeNull();
    expect(second.body.items.map((c: { id: string }) => c.id)).toEqual(ordered(rows, '-createdAt').slice(20));
  });

  it('accepts limit=1 and limit=100, and ends without an empty page when the rows fill the last page exactly', async () => {
    await seed(Array.from({ length: 101 }, (_, i) => ({ name: `Bound ${i}`, createdAt: at(i) })));
    const hundred = await list({ limit: 100 });
    expect(hundred.body.items).toHaveLength(100);
    const last = await list({ limit: 100, cursor: hundred.body.nextCursor });
    expect(last.body.items).toHaveLength(1);
    expect(last.body.nextCursor).toBeNull();
    const one = await list({ limit: 1 });
    expect(one.body.items).toHaveLength(1);
    expect(one.body.nextCursor).toEqual(expect.any(String));
  });

  it('has no next page when the rows fill the page exactly', async () => {
    await seed(Array.from({ length: 10 }, (_, i) => ({ name: `Exact ${i}`, createdAt: at(i) })));
    const response = await list({ limit: 10 });
    expect(response.body.items).toHaveLength(10);
    expect(response.body.nextCursor).toBeNull();
  });

  it.each(['0', '101', 'abc', '1.5', '-1', '', '01', '1e1', ' 5'])('rejects limit=%j with 400', async (limit) => {
    expectProblem(await list({ limit }), 400, 'validation-failed', '/limit');
  });

  it('rejects a repeated limit with 400', async () => {
    expectProblem(await t.http().get('/v1/customers?limit=10&limit=20'), 400, 'validation-failed', '/limit');
  });
});

describe('GET /v1/customers: invalid requests', () => {
  it.each(['stauts', 'page', 'offset', 'name'])('rejects the unknown parameter %s with 400', async (parameter) => {
    const response = await list({ [parameter]: 'x' });
    expectProblem(response, 400, 'validation-failed');
    expect(response.body.errors).toEqual([
      { pointer: `/${parameter}`, detail: 'is not a known field and is not allowed' },
    ]);
  });

  it.each(['email', '+name', 'createdat', 'id', '-id', ''])('rejects sort=%j with 400', async (sort) => {
    expectProblem(await list({ sort }), 400, 'validation-failed', '/sort');
  });

  it.each(['erased', 'ACTIVE', ''])('rejects status=%j with 400', async (status) => {
    expectProblem(await list({ status }), 400, 'validation-failed', '/status');
  });

  it.each(['q', 'email', 'document', 'cursor'])('rejects an empty %s with 400', async (parameter) => {
    expectProblem(await list({ [parameter]: '' }), 400, 'validation-failed', `/${parameter}`);
  });

  it('rejects a q longer than a name can be', async () => {
    expectProblem(await list({ q: 'a'.repeat(201) }), 400, 'validation-failed', '/q');
  });

  it.each([
    '2025-02-30T00:00:00Z',
    '2025-01-01',
    '2025-01-01T00:00:00',
    '2025-01-01 00:00:00Z',
    'yesterday',
    '1735689600000',
    '2025-01-01T25:00:00Z',
  ])('rejects createdFrom=%j and createdTo=%j with 400', async (value) => {
    expectProblem(await list({ createdFrom: value }), 400, 'validation-failed', '/createdFrom');
    expectProblem(await list({ createdTo: value }), 400, 'validation-failed', '/createdTo');
  });

  it('explains that a + in an offset must be written %2B', async () => {
    const response = await t.http().get('/v1/customers?createdFrom=2025-01-01T02:00:00+02:00');
    expectProblem(response, 400, 'validation-failed', '/createdFrom');
    expect(response.body.errors[0].detail).toContain('%2B');
  });

  it.each([
    ['equal', '2025-01-01T00:00:00Z'],
    ['earlier', '2024-12-31T23:59:59.999Z'],
  ])('rejects a createdTo %s to createdFrom with 400', async (_label, createdTo) => {
    expectProblem(
      await list({ createdFrom: '2025-01-01T00:00:00Z', createdTo }),
      400,
      'validation-failed',
      '/createdTo',
    );
  });
});

describe('GET /v1/customers: cursors', () => {
  async function aCursor(sort: string): Promise<string> {
    await seed(Array.from({ length: 3 }, (_, i) => ({ name: `Cursor ${i}`, createdAt: at(i) })));
    const response = await list({ sort, limit: 1 });
    expect(response.body.nextCursor).toEqual(expect.any(String));
    return response.body.nextCursor;
  }
  const decode = (cursor: string) => JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  const encode = (payload: unknown) => Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');

  it('is opaque URL-safe text', async () => {
    expect(await aCursor('-createdAt')).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it.each([
    ['not base64url', () => 'not a cursor!'],
    ['not JSON', () => Buffer.from('{{{').toString('base64url')],
    ['cut short', (cursor: string) => cursor.slice(0, -2)],
    ['an id that is not a number', (cursor: string) => encode({ ...decode(cursor), i: "1' OR '1'='1" })],
    ['a sort key that is not an instant', (cursor: string) => encode({ ...decode(cursor), k: 'yesterday' })],
    ['an extra field', (cursor: string) => encode({ ...decode(cursor), offset: 10 })],
  ])('rejects a cursor that is %s with 400 invalid-cursor', async (_label, tamper) => {
    const cursor = tamper(await aCursor('-createdAt'));
    const response = await list({ cursor });
    expectProblem(response, 400, 'invalid-cursor', '/cursor');
  });

  it('rejects a cursor used with another sort (including the default) with 400 cursor-sort-mismatch', async () => {
    const cursor = await aCursor('name');
    expectProblem(await list({ cursor, sort: '-name' }), 400, 'cursor-sort-mismatch', '/cursor');
    expectProblem(await list({ cursor }), 400, 'cursor-sort-mismatch', '/cursor');
    expect((await list({ cursor, sort: 'name' })).status).toBe(200);
  });
});

describe('GET /v1/customers: paging while others write', () => {
  const FIRST = [
    'Ana',
    'Bruno',
    'Carla',
    'Diego',
    'Elisa',
    'Fabio',
    'Gabriela',
    'Hugo',
    'Iris',
    'Joao',
    'Karla',
    'Luis',
    'Maria',
  ];
  const LAST = ['Souza', 'Lima', 'Reis', 'Costa', 'Alves', 'Dias', 'Mota'];

  it.each(['-createdAt', 'createdAt', 'name', '-name'])(
    'sort=%s: registering, changing and erasing customers between pages never skips nor repeats one of 1,000',
    async (sort) => {
      // Many equal names and creation times, so ties straddle page boundaries.
      const seeded = await seed(
        Array.from({ length: 1000 }, (_, i) => ({
          name: `${FIRST[i % FIRST.length]} ${LAST[i % LAST.length]}`,
          createdAt: at(Math.floor(i / 3)),
        })),
      );
      const unseen = new Set(seeded.map((c) => c.id));
      const erased = new Set<string>();
      const deactivated = new Set<string>();
      const registered: string[] = [];
      let round = 0;
      const { ids } = await walk({ sort, limit: 50 }, async (pageIds) => {
        pageIds.forEach((id) => unseen.delete(id));
        round += 1;
        // Two new customers land before, between and after the rows still to come (names spread over the alphabet).
        for (const name of [
          `${FIRST[round % FIRST.length]} Nova`,
          `${FIRST[(round * 5) % FIRST.length]} ${LAST[round % LAST.length]}`,
        ]) {
          registered.push((await register({ name })).id);
        }
        const [toErase, toDeactivate] = [...unseen]
          .filter((id) => !erased.has(id) && !deactivated.has(id))
          .slice(round % 7, (round % 7) + 2);
        if (toErase) {
          expect((await t.http().delete(`/v1/customers/${toErase}`)).status).toBe(204);
          erased.add(toErase);
        }
        if (toDeactivate) {
          expect((await t.http().post(`/v1/customers/${toDeactivate}/deactivate`)).status).toBe(200);
          deactivated.add(toDeactivate);
        }
      });
      expect(new Set(ids).size).toBe(ids.length); // nothing repeated
      const seenSeeded = seeded.map((c) => c.id).filter((id) => ids.includes(id));
      expect(seenSeeded.filter((id) => erased.has(id))).toEqual([]); // erased before its page: never shown
      expect(seenSeeded.length).toBe(1000 - erased.size); // and nothing else skipped
      expect(erased.size).toBeGreaterThan(10);
      // New customers are newer than every seeded one: after them in ascending order, before them (so unseen) in descending.
      if (sort === 'createdAt') expect(ids.slice(-registered.length).sort()).toEqual([...registered].sort());
      if (sort === '-createdAt') expect(ids.filter((id) => registered.includes(id))).toEqual([]);
    },
  );
});

describe('GET /v1/customers/{id}: conditional GET', () => {
  it('sends the version as a strong ETag', async () => {
    const customer = await register();
    const response = await t.http().get(`/v1/customers/${customer.id}`);
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe('"1"');
    expect(response.body).toEqual(customer);
  });

  it.each(['"1"', 'W/"1"', '"0", "1"', '*'])(
    'answers If-None-Match: %s with 304, the ETag and no body',
    async (ifNoneMatch) => {
      const customer = await register();
      const response = await t.http().get(`/v1/customers/${customer.id}`).set('If-None-Match', ifNoneMatch);
      expect(response.status).toBe(304);
      expect(response.headers.etag).toBe('"1"');
      expect(response.text ?? '').toBe('');
    },
  );

  it('answers 200 with the new representation once the customer has changed', async () => {
    const customer = await register();
    const patch = await t
      .http()
      .patch(`/v1/customers/${customer.id}`)
      .set('If-Match', '"1"')
      .set('Content-Type', 'application/merge-patch+json')
      .send({ name: 'Changed Name' });
    expect(patch.status).toBe(200);
    const stale = await t.http().get(`/v1/customers/${customer.id}`).set('If-None-Match', '"1"');
    expect(stale.status).toBe(200);
    expect(stale.headers.etag).toBe('"2"');
    expect(stale.body).toEqual(patch.body);
    expect((await t.http().get(`/v1/customers/${customer.id}`).set('If-None-Match', stale.headers.etag)).status).toBe(
      304,
    );
  });

  it('answers 410 for an erased customer, even to If-None-Match', async () => {
    const customer = await register();
    expect((await t.http().delete(`/v1/customers/${customer.id}`)).status).toBe(204);
    for (const ifNoneMatch of [undefined, '"1"', '"2"', '*']) {
      const request = t.http().get(`/v1/customers/${customer.id}`);
      const response = await (ifNoneMatch ? request.set('If-None-Match', ifNoneMatch) : request);
      expectProblem(response, 410, 'customer-erased');
      expect(response.headers.etag).toBeUndefined();
    }
  });

  it.each(['999999999', 'abc', '0', '1.5', '99999999999999999999'])('answers 404 for the id %s', async (id) => {
    expectProblem(await t.http().get(`/v1/customers/${id}`), 404, 'customer-not-found');
  });

  it.each(['abc', '"1', '1', '"x"'])('answers a malformed If-None-Match %j with 400', async (ifNoneMatch) => {
    const customer = await register();
    expectProblem(
      await t.http().get(`/v1/customers/${customer.id}`).set('If-None-Match', ifNoneMatch),
      400,
      'invalid-precondition',
    );
  });
});
