/**
 * "No malformed body, header or path ever yields a 500": fast-check throws arbitrary JSON, near-valid customers,
 * odd headers and odd ids at the write and read endpoints, as an authenticated caller; and hostile shapes (deep
 * nesting, prototype keys, invalid UTF-8, ids and cursors beyond 2^63-1) with valid, forged and garbage credentials.
 * Every answer must be a success or a 4xx, and every 4xx must be problem+json.
 */
import { request as httpRequest } from 'node:http';
import fc from 'fast-check';
import { bearer, handMadeJwt, validClaims } from '../support/auth';
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

/** Bodies no honest client sends: nested deep, prototype keys spliced in anywhere, raw bytes that are not UTF-8. */
const hostileBody = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1, max: 4000 }), fc.constantFrom('[', '{"a":'))
    .map(([depth, open]) => Buffer.from(`{"name":${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}}`)),
  fc
    .tuple(nearValidCustomer, fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.json())
    .map(([customer, key, value]) => {
      const text = JSON.stringify(customer);
      return Buffer.from(text === '{}' ? `{"${key}":${value}}` : `{"${key}":${value},${text.slice(1)}`);
    }),
  fc
    .tuple(fc.uint8Array({ minLength: 1, maxLength: 8 }), nearValidCustomer)
    .map(([bytes, customer]) =>
      Buffer.concat([
        Buffer.from('{"name":"'),
        Buffer.from(bytes),
        Buffer.from(`",${JSON.stringify(customer).slice(1)}`),
      ]),
    ),
);
const credentials = fc.oneof(
  fc.constant(null),
  fc.constant('valid'),
  fc.string({ maxLength: 60 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
  fc.string({ maxLength: 40 }).map((s) => `Bearer ${Buffer.from(s).toString('base64url')}`),
  fc
    .constantFrom('none', 'HS256', 'RS256')
    .map((alg) => `Bearer ${handMadeJwt({ alg, typ: 'at+jwt' }, validClaims(), 'c2ln')}`),
);
const hugeId = fc.bigInt({ min: 2n ** 63n - 2n, max: 2n ** 70n }).map(String);

/** Exactly these bytes, whatever they are (supertest would re-encode a body it takes for text). */
function rawPost(path: string, body: Buffer, authorization: string | null) {
  return new Promise<{ status: number; headers: Record<string, string> }>((resolve, reject) => {
    const request = httpRequest(
      new URL(path, t.url),
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          ...(authorization ? { authorization } : {}),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers as Record<string, string> }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

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

  it('never answers 5xx to hostile bodies, huge ids and cursors, with valid, forged or garbage credentials', async () => {
    const valid = await bearer();
    await fc.assert(
      fc.asyncProperty(hostileBody, credentials, hugeId, async (body, credential, id) => {
        const authorization = credential === 'valid' ? valid : credential;
        expectNoServerError(await rawPost('/v1/customers', body, authorization));
        const cursor = Buffer.from(
          JSON.stringify({ v: 1, s: '-createdAt', k: '2026-01-01T00:00:00.000Z', i: id }),
        ).toString('base64url');
        const read = t.anonymous().get(`/v1/customers?cursor=${cursor}`);
        expectNoServerError(await (authorization ? read.set('Authorization', authorization) : read));
        const get = t.anonymous().get(`/v1/customers/${id}`);
        expectNoServerError(await (authorization ? get.set('Authorization', authorization) : get));
      }),
      { numRuns: 150 },
    );
  }, 120_000);
});
