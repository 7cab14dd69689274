/**
 * SQLite's query plans for the list shapes that page most: each walks an index in order instead of sorting the
 * table. (MariaDB's plans are checked at 100,000 rows by test/integration/customers-read.int-spec.ts; this file runs
 * only in `npm test`, on the embedded default.)
 */
import { listCustomersSql } from '../../libs/customers/src/application/queries/list-customers/list-sql';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('SQLite query plans', () => {
  it.each(['-createdAt', 'createdAt', 'name', '-name'] as const)(
    'sort=%s, with and without a status filter, walks an index in order',
    async (sort) => {
      for (const status of [null, 'inactive'] as const) {
        const { sql, parameters } = listCustomersSql(
          {
            status,
            email: null,
            document: null,
            namePrefix: null,
            createdFrom: null,
            createdTo: null,
            sort,
            limit: 20,
            after: null,
          },
          21,
        );
        const plan: Array<{ detail: string }> = await t.dataSource.query(
          `EXPLAIN QUERY PLAN ${sql}`,
          parameters as unknown[],
        );
        const details = plan.map((step) => step.detail).join('; ');
        expect(details).toMatch(/USING (COVERING )?INDEX ix_customers_/);
        expect(details).not.toContain('TEMP B-TREE'); // no sort of the whole table for one page
      }
    },
  );
});
