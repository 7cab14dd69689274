import { type CustomerListCriteria } from './list-customers.query';
import { listCustomersSql, namePrefixPattern, normalizeDocumentFilter, normalizeEmailFilter } from './list-sql';

const criteria = (overrides: Partial<CustomerListCriteria> = {}): CustomerListCriteria => ({
  status: null,
  email: null,
  document: null,
  namePrefix: null,
  createdFrom: null,
  createdTo: null,
  sort: '-createdAt',
  limit: 20,
  after: null,
  ...overrides,
});

const whereOf = (sql: string) => sql.slice(sql.indexOf(' WHERE ') + 7, sql.indexOf(' ORDER BY '));

describe('list customers SQL', () => {
  it('leaves erased customers out and orders by the sort key, then id, in one direction', () => {
    const { sql, parameters } = listCustomersSql(criteria(), 21);
    expect(whereOf(sql)).toBe("c.status <> 'erased'");
    expect(sql).toMatch(/ ORDER BY c\.created_at DESC, c\.id DESC LIMIT \?$/);
    expect(parameters).toEqual([21]);
    expect(listCustomersSql(criteria({ sort: 'name' }), 5).sql).toMatch(/ ORDER BY c\.name ASC, c\.id ASC LIMIT \?$/);
  });

  it('replaces the erased filter by the status asked for', () => {
    const { sql, parameters } = listCustomersSql(criteria({ status: 'inactive' }), 21);
    expect(whereOf(sql)).toBe('c.status = ?');
    expect(parameters).toEqual(['inactive', 21]);
  });

  it('binds every filter as a parameter, normalized the way the write side stores values', () => {
    const { sql, parameters } = listCustomersSql(
      criteria({
        email: ' Ana@Example.COM ',
        document: '12.abc.345/0001-xy',
        namePrefix: "O'Brien 50%",
        createdFrom: new Date('2026-01-01T00:00:00Z'),
        createdTo: new Date('2026-02-01T03:00:00.5+03:00'),
      }),
      11,
    );
    expect(whereOf(sql)).toBe(
      "c.status <> 'erased' AND c.email = ? AND c.document_number = ? AND c.name LIKE ? ESCAPE '!' AND c.created_at >= ? AND c.created_at < ?",
    );
    expect(parameters).toEqual([
      'ana@example.com',
      '12ABC3450001XY',
      "O'Brien 50!%%",
      '2026-01-01 00:00:00.000',
      '2026-02-01 00:00:00.500',
      11,
    ]);
  });

  it.each([
    ['-createdAt', '<', 'DESC', '2026-01-31 12:00:00.000'],
    ['createdAt', '>', 'ASC', '2026-01-31 12:00:00.000'],
  ] as const)(
    'continues after the cursor for sort=%s with an index-friendly keyset condition',
    (sort, op, direction, key) => {
      const { sql, parameters } = listCustomersSql(
        criteria({ sort, after: { sort, value: '2026-01-31T12:00:00.000Z', id: '42' } }),
        21,
      );
      expect(whereOf(sql)).toBe(
        `c.status <> 'erased' AND c.created_at ${op}= ? AND (c.created_at ${op} ? OR c.id ${op} ?)`,
      );
      expect(sql).toContain(`ORDER BY c.created_at ${direction}, c.id ${direction}`);
      expect(parameters).toEqual([key, key, 42n, 21]);
    },
  );

  it('continues after a name exactly as the cursor holds it', () => {
    const { sql, parameters } = listCustomersSql(
      criteria({ sort: '-name', after: { sort: '-name', value: 'Ána', id: '7' } }),
      3,
    );
    expect(whereOf(sql)).toBe("c.status <> 'erased' AND c.name <= ? AND (c.name < ? OR c.id < ?)");
    expect(parameters).toEqual(['Ána', 'Ána', 7n, 3]);
  });

  it.each([
    ['Ana', 'Ana%'],
    ['100%', '100!%%'],
    ['a_b', 'a!_b%'],
    ['wow!', 'wow!!%'],
    ['back\\slash', 'back\\slash%'],
  ])('makes the prefix %j a literal LIKE pattern %j', (prefix, pattern) => {
    expect(namePrefixPattern(prefix)).toBe(pattern);
  });

  it('normalizes email and document filters', () => {
    expect(normalizeEmailFilter('  Ana.Souza@Example.COM\t')).toBe('ana.souza@example.com');
    expect(normalizeDocumentFilter(' 529.982.247-25 ')).toBe('52998224725');
    expect(normalizeDocumentFilter('12.abc.345/01de-35')).toBe('12ABC34501DE35');
  });
});
