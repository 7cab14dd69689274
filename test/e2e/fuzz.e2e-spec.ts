/**
 * "No malformed body, header or path ever yields a 500": fast-check throws arbitrary JSON, near-valid customers,
 * odd headers and odd ids at the write and read endpoints. Every answer must be a success or a 4xx, and every 4xx
 * must be problem+json.
 */
import fc from 'fast-check';
import { aRegistration } from '../support/customer-bodies';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let existingId: string;

beforeAll(async () => {
  t = await startTestApp();
  existingId = (await t.http().post('/v1/customers').send(aRegistration()).expect(201)).body.id;
});
afterAll(async () => {
  await t.close();
});

function expectNoServerError(response: { status: number; headers: Record<string, string> }): void {
  expect(response.status).toBeLessThan(500);
  if (response.status >= 400) expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
}

// 'binary' strings include unpaired surrogates, which JSON carries and UTF-8 storage cannot.
const fieldValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.json().map((j) => JSON.parse(j)),
);
const nearValidCustomer = fc
  .record(
    {
      name: fieldValue,
      email: fc.oneof(fieldValue, fc.emailAddress()),
      phone: fieldValue,
      document: fc.oneof(
        fieldValue,
        fc.record({
          type: fc.oneof(fc.constantFrom('CPF', 'CNPJ'), fc.string()),
          number: fc.oneof(fc.string(), fc.stringMatching(/^[0-9A-Z./-]{0,20}$/)),
        }),
      ),
      birthDate: fc.oneof(
        fieldValue,
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
      ),
      addresses: fc.oneof(
        fieldValue,
        fc.array(
          fc.dictionary(
            fc.constantFrom(
              'street',
              'number',
              'complement',
              'district',
              'city',
              'state',
              'postalCode',
              'country',
              'extra',
            ),
            fieldValue,
          ),
          { maxLength: 7 },
        ),
      ),
    },
    { requiredKeys: [] },
  )
  .chain((customer) =>
    fc
      .option(fc.dictionary(fc.string({ maxLength: 8 }), fieldValue, { maxKeys: 2 }))
      .map((extra) => ({ ...customer, ...(extra ?? {}) })),
  );
const oddHeader = fc.oneof(
  fc.string({ maxLength: 40 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
  fc.constantFrom('"1"', 'W/"1"', '*', '"-1"', '"99999999999"', '""', '"1", "2"'),
);
const oddId = fc.oneof(
  fc.constantFrom('0', '-1', '1e3', '99999999999999999999999', '%00', '..', 'abc', ' 1'),
  fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent),
);

describe('fuzzing the API', () => {
  it('never answers 5xx to POST /v1/customers, whatever the body and Idempotency-Key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          nearValidCustomer,
          fc.json().map((j) => JSON.parse(j)),
        ),
        fc.option(oddHeader),
        async (body, key) => {
          const request = t.http().post('/v1/customers').set('Content-Type', 'application/json');
          const response = await (key === null ? request : request.set('Idempotency-Key', key)).send(
            JSON.stringify(body),
          );
          expectNoServerError(response);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it('never answers 5xx to PATCH, whatever the patch, If-Match and id', async () => {
    await fc.assert(
      fc.asyncProperty(
        nearValidCustomer,
        fc.option(oddHeader),
        fc.oneof(fc.constant(existingId), oddId),
        async (patch, ifMatch, id) => {
          const request = t.http().patch(`/v1/customers/${id}`).set('Content-Type', 'application/merge-patch+json');
          const response = await (ifMatch === null ? request : request.set('If-Match', ifMatch)).send(
            JSON.stringify(patch),
          );
          expectNoServerError(response);
        },
      ),
      { numRuns: 150 },
    );
  }, 120_000);

  it('never answers 5xx to reads and state changes with odd ids, headers and query strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        oddId,
        fc.option(oddHeader),
        fc.dictionary(
          fc.constantFrom(
            'status',
            'email',
            'document',
            'q',
            'createdFrom',
            'createdTo',
            'sort',
            'limit',
            'cursor',
            'x',
          ),
          fc.string({ maxLength: 30 }),
          { maxKeys: 4 },
        ),
        async (id, header, query) => {
          expectNoServerError(
            await (header === null
              ? t.http().get(`/v1/customers/${id}`)
              : t.http().get(`/v1/customers/${id}`).set('If-None-Match', header)),
          );
          expectNoServerError(await t.http().get('/v1/customers').query(query));
          expectNoServerError(await t.http().post(`/v1/customers/${id}/deactivate`));
          expectNoServerError(
            await (header === null
              ? t.http().delete(`/v1/customers/${id}`)
              : t.http().delete(`/v1/customers/${id}`).set('If-Match', header)),
          );
        },
      ),
      { numRuns: 100 },
    );
  }, 120_000);
});
