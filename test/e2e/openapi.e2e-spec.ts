/**
 * The OpenAPI 3.1 document at /docs-json against the running service: it must be valid 3.1, document every route the
 * app serves, and every real response below (success and error, for every endpoint) must be one it declares, with
 * the declared body schema and headers. The last test lists the declared responses no test produced, so a status
 * that the code can no longer return is noticed too. Runs on SQLite and on MariaDB.
 */
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { ALL_SCOPES, bearer } from '../support/auth';
import { aRegistration } from '../support/customer-bodies';
import { OpenApiContract, type OpenApiDocument } from '../support/openapi-contract';
import { openApiSpecificationErrors } from '../support/openapi-validate';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let document: OpenApiDocument;
let contract: OpenApiContract;

beforeAll(async () => {
  t = await startTestApp();
  const response = await t.http().get('/docs-json');
  expect(response.status).toBe(200);
  document = response.body;
  contract = new OpenApiContract(document);
});
afterAll(async () => {
  await t.close();
});

interface CallOptions {
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
  readonly contentType?: string;
}

/** Sends a request and checks the response against the document before the test looks at it. */
async function call(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  url: string,
  options: CallOptions = {},
): Promise<Response> {
  const http = t.http();
  let request =
    method === 'GET'
      ? http.get(url)
      : method === 'POST'
        ? http.post(url)
        : method === 'PATCH'
          ? http.patch(url)
          : http.delete(url);
  for (const [name, value] of Object.entries(options.headers ?? {})) request = request.set(name, value);
  if (options.body !== undefined) {
    request = request.set('Content-Type', options.contentType ?? 'application/json');
    request = request.send(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
  }
  const response = await request;
  contract.check(method, url, response);
  return response;
}

async function aCustomer(overrides: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const response = await call('POST', '/v1/customers', { body: aRegistration(overrides) });
  expect(response.status).toBe(201);
  return response.body;
}

const PATCH = 'application/merge-patch+json';
const tooLarge = () => ({ name: 'x'.repeat(70_000) });
const operationOf = (method: string, path: string) => document.paths[path][method];

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document with no OpenAPI 3.0 leftovers', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(openApiSpecificationErrors(document)).toEqual([]);
    expect(openApiSpecificationErrors({ ...document, info: undefined })).not.toEqual([]); // the check can fail
    expect(JSON.stringify(document)).not.toContain('"nullable"');
    expect(document.components?.schemas?.CustomerResponse).toMatchObject({
      additionalProperties: false,
      properties: {
        phone: { type: ['string', 'null'] },
        document: { anyOf: [{ $ref: '#/components/schemas/DocumentRequest' }, { type: 'null' }] },
      },
    });
  });

  it('is shown by Swagger UI at /docs', async () => {
    const page = await t.http().get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui');
    const init = await t.http().get('/docs/swagger-ui-init.js');
    expect(init.status).toBe(200);
    expect(init.text).toContain('"openapi": "3.1.0"');
  });

  it('documents every route the application serves', () => {
    const served = t.routes
      .map((route) => route.replace(/:(\w+)/g, '{$1}'))
      // Swagger UI's own routes (its page, its init script and its static assets).
      .filter((route) => !/ \/docs(\/|-json|$)/.test(route));
    const documented = contract.operations().map((o) => `${o.method} ${o.path}`);
    expect([...new Set(served)].sort()).toEqual(documented.sort());
    expect(documented).toEqual(
      expect.arrayContaining([
        'POST /v1/customers',
        'GET /v1/customers',
        'GET /v1/customers/{id}',
        'PATCH /v1/customers/{id}',
        'DELETE /v1/customers/{id}',
        'POST /v1/customers/{id}/deactivate',
        'POST /v1/customers/{id}/reactivate',
        'GET /health/live',
        'GET /health/ready',
      ]),
    );
  });

  it('declares every error response as application/problem+json with the Problem schema', () => {
    for (const { method, path, operation } of contract.operations()) {
      for (const [status, response] of Object.entries(operation.responses).filter(([s]) => Number(s) >= 400)) {
        expect({ at: `${method} ${path} ${status}`, content: response.content }).toEqual({
          at: `${method} ${path} ${status}`,
          content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
        });
      }
      if (path.startsWith('/v1/customers')) {
        expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['400', '503']));
        expect(operation.responses['503'].headers?.['Retry-After']).toMatchObject({ required: true });
      }
    }
    expect(document.components?.schemas?.Problem).toMatchObject({
      required: ['type', 'title', 'status', 'detail'],
      properties: {
        type: {},
        title: {},
        status: {},
        detail: {},
        instance: {},
        code: {},
        errors: { type: 'array', items: { $ref: '#/components/schemas/ProblemViolation' } },
      },
    });
  });

  it('declares the headers of the REST contract', () => {
    const header = (method: string, path: string, name: string) =>
      operationOf(method, path).parameters?.find((p) => p.in === 'header' && p.name === name);
    expect(header('post', '/v1/customers', 'Idempotency-Key')).toMatchObject({ required: false });
    expect(header('get', '/v1/customers/{id}', 'If-None-Match')).toMatchObject({ required: false });
    expect(header('patch', '/v1/customers/{id}', 'If-Match')).toMatchObject({ required: true });
    for (const [method, path] of [
      ['delete', '/v1/customers/{id}'],
      ['post', '/v1/customers/{id}/deactivate'],
      ['post', '/v1/customers/{id}/reactivate'],
    ] as const) {
      expect(header(method, path, 'If-Match')).toMatchObject({ required: false });
    }
    expect(operationOf('post', '/v1/customers').responses['201'].headers).toMatchObject({
      Location: { required: true },
      ETag: { required: true },
      'Idempotent-Replayed': { schema: { enum: ['true'] } },
    });
    for (const [method, path, status] of [
      ['get', '/v1/customers/{id}', '200'],
      ['get', '/v1/customers/{id}', '304'],
      ['patch', '/v1/customers/{id}', '200'],
      ['post', '/v1/customers/{id}/deactivate', '200'],
      ['post', '/v1/customers/{id}/reactivate', '200'],
    ] as const) {
      expect(operationOf(method, path).responses[status].headers?.ETag).toMatchObject({ required: true });
    }
    expect(Object.keys(operationOf('patch', '/v1/customers/{id}').requestBody!.content).sort()).toEqual([
      'application/json',
      'application/merge-patch+json',
    ]);
  });

  it('describes the list parameters as the code reads them', () => {
    const parameters = operationOf('get', '/v1/customers').parameters!.filter((p) => p.in === 'query');
    expect(parameters.map((p) => p.name)).toEqual([
      'status',
      'email',
      'document',
      'q',
      'createdFrom',
      'createdTo',
      'sort',
      'limit',
      'cursor',
    ]);
    expect(parameters.every((p) => p.required === false)).toBe(true);
    const schemaOf = (name: string) => parameters.find((p) => p.name === name)!.schema;
    expect(schemaOf('status')).toMatchObject({ enum: ['active', 'inactive'] });
    expect(schemaOf('sort')).toMatchObject({
      enum: ['createdAt', '-createdAt', 'name', '-name'],
      default: '-createdAt',
    });
    expect(schemaOf('limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 20 });
    expect(schemaOf('createdFrom')).toMatchObject({ type: 'string', format: 'date-time' });
  });
});

describe('real responses match the OpenAPI document', () => {
  it('POST /v1/customers', async () => {
    const body = aRegistration();
    const created = await call('POST', '/v1/customers', { body, headers: { 'Idempotency-Key': 'openapi-register-1' } });
    expect(created.status).toBe(201);
    const replayed = await call('POST', '/v1/customers', {
      body,
      headers: { 'Idempotency-Key': 'openapi-register-1' },
    });
    expect(replayed.status).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(
      (
        await call('POST', '/v1/customers', {
          body: aRegistration(),
          headers: { 'Idempotency-Key': 'openapi-register-1' },
        })
      ).status,
    ).toBe(422);
    expect((await call('POST', '/v1/customers', { body: aRegistration({ email: body.email }) })).status).toBe(409);
    expect(
      (await call('POST', '/v1/customers', { body: aRegistration({ email: 'nope', nickname: 'x' }) })).status,
    ).toBe(400);
    expect((await call('POST', '/v1/customers', { body: '{"name":', contentType: 'application/json' })).status).toBe(
      400,
    );
    expect((await call('POST', '/v1/customers', { body: tooLarge() })).status).toBe(413);
    expect((await call('POST', '/v1/customers', { body: 'name=Ana', contentType: 'text/plain' })).status).toBe(415);
    // A replay of a registration whose customer was erased since.
    expect((await call('DELETE', `/v1/customers/${created.body.id}`)).status).toBe(204);
    expect(
      (await call('POST', '/v1/customers', { body, headers: { 'Idempotency-Key': 'openapi-register-1' } })).status,
    ).toBe(410);
  });

  it('GET /v1/customers', async () => {
    await aCustomer();
    await aCustomer({ phone: null, document: null, birthDate: null, addresses: [] });
    const first = await call('GET', '/v1/customers?limit=1&sort=name');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(1);
    const next = await call('GET', `/v1/customers?limit=1&sort=name&cursor=${first.body.nextCursor}`);
    expect(next.status).toBe(200);
    expect((await call('GET', '/v1/customers?stauts=active')).status).toBe(400);
    expect((await call('GET', '/v1/customers?limit=0')).status).toBe(400);
    expect((await call('GET', '/v1/customers?cursor=broken')).status).toBe(400);
    expect((await call('GET', `/v1/customers?cursor=${first.body.nextCursor}`)).status).toBe(400);
  });

  it('GET /v1/customers/{id}', async () => {
    const { id } = await aCustomer();
    expect((await call('GET', `/v1/customers/${id}`)).status).toBe(200);
    expect((await call('GET', `/v1/customers/${id}`, { headers: { 'If-None-Match': '"1"' } })).status).toBe(304);
    expect((await call('GET', `/v1/customers/${id}`, { headers: { 'If-None-Match': 'nonsense' } })).status).toBe(400);
    expect((await call('GET', '/v1/customers/999999999')).status).toBe(404);
    expect((await call('DELETE', `/v1/customers/${id}`)).status).toBe(204);
    expect((await call('GET', `/v1/customers/${id}`)).status).toBe(410);
  });

  it('PATCH /v1/customers/{id}', async () => {
    const { id } = await aCustomer();
    const other = await aCustomer();
    const patch = (headers: Record<string, string>, body: unknown = { name: 'Ana Patch' }, contentType = PATCH) =>
      call('PATCH', `/v1/customers/${id}`, { headers, body, contentType });
    expect((await patch({ 'If-Match': '"1"' })).status).toBe(200);
    expect((await patch({ 'If-Match': '"2"' }, { name: 'Ana Json' }, 'application/json')).status).toBe(200);
    expect((await patch({ 'If-Match': '"3"' }, { email: 'not-an-email' })).status).toBe(400);
    expect((await patch({ 'If-Match': '"3"' }, { email: other.email })).status).toBe(409);
    expect((await patch({ 'If-Match': '"1"' })).status).toBe(412);
    expect((await patch({})).status).toBe(428);
    expect((await patch({ 'If-Match': '"3"' }, tooLarge())).status).toBe(413);
    expect((await patch({ 'If-Match': '"3"' }, 'name=x', 'text/plain')).status).toBe(415);
    expect(
      (
        await call('PATCH', '/v1/customers/999999999', {
          headers: { 'If-Match': '"1"' },
          body: { name: 'X' },
          contentType: PATCH,
        })
      ).status,
    ).toBe(404);
    expect((await call('DELETE', `/v1/customers/${id}`)).status).toBe(204);
    expect((await patch({ 'If-Match': '"4"' })).status).toBe(410);
  });

  it.each([
    ['deactivate', 'reactivate'],
    ['reactivate', 'deactivate'],
  ])('POST /v1/customers/{id}/%s', async (action, opposite) => {
    const { id } = await aCustomer();
    if (action === 'reactivate') expect((await call('POST', `/v1/customers/${id}/${opposite}`)).status).toBe(200);
    const version = action === 'reactivate' ? 2 : 1;
    expect(
      (await call('POST', `/v1/customers/${id}/${action}`, { headers: { 'If-Match': `"${version + 5}"` } })).status,
    ).toBe(412);
    expect((await call('POST', `/v1/customers/${id}/${action}`, { headers: { 'If-Match': 'nonsense' } })).status).toBe(
      400,
    );
    expect((await call('POST', `/v1/customers/${id}/${action}`, { body: tooLarge() })).status).toBe(413);
    expect((await call('POST', `/v1/customers/${id}/${action}`, { body: 'x', contentType: 'text/plain' })).status).toBe(
      415,
    );
    expect(
      (await call('POST', `/v1/customers/${id}/${action}`, { headers: { 'If-Match': `"${version}"` } })).status,
    ).toBe(200);
    expect((await call('POST', `/v1/customers/${id}/${action}`)).status).toBe(409);
    expect((await call('POST', `/v1/customers/999999999/${action}`)).status).toBe(404);
    expect((await call('DELETE', `/v1/customers/${id}`)).status).toBe(204);
    expect((await call('POST', `/v1/customers/${id}/${action}`)).status).toBe(410);
  });

  it('DELETE /v1/customers/{id}', async () => {
    const { id } = await aCustomer();
    expect((await call('DELETE', `/v1/customers/${id}`, { headers: { 'If-Match': 'nonsense' } })).status).toBe(400);
    expect((await call('DELETE', `/v1/customers/${id}`, { headers: { 'If-Match': '"7"' } })).status).toBe(412);
    expect((await call('DELETE', `/v1/customers/${id}`, { headers: { 'If-Match': '"1"' } })).status).toBe(204);
    expect((await call('DELETE', `/v1/customers/${id}`)).status).toBe(410);
    expect((await call('DELETE', '/v1/customers/999999999')).status).toBe(404);
  });

  it('GET /health/live and /health/ready', async () => {
    expect((await call('GET', '/health/live')).status).toBe(200);
    expect((await call('GET', '/health/ready')).status).toBe(200);
  });

  it('the check itself fails for a response that differs from the document', async () => {
    const { id, ...customer } = await aCustomer();
    const fake = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      ({
        status,
        text: body === undefined ? '' : JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      }) as unknown as Response;
    const url = `/v1/customers/${id}`;
    const problemsWith = (response: Response) => contract.problemsWith('GET', url, response);
    expect(problemsWith(fake(200, { id, ...customer }, { etag: '"1"' }))).toEqual([]);
    expect(problemsWith(fake(200, { id, ...customer }))).toEqual(['required header ETag is missing']);
    expect(problemsWith(fake(200, { id, ...customer }, { etag: 'W/"1"' }))[0]).toMatch(/^header ETag/);
    expect(problemsWith(fake(200, { id, ...customer, nickname: 'x' }, { etag: '"1"' }))[0]).toMatch(
      /additional properties/,
    );
    expect(problemsWith(fake(200, { id, ...customer, version: '1' }, { etag: '"1"' }))[0]).toMatch(
      /^body\/version must be number/,
    );
    expect(problemsWith(fake(418, {}))[0]).toMatch(/^status 418 is not declared/);
    expect(problemsWith(fake(404, { type: '/problems/x', title: 'x', status: 404, detail: 'x' }))[0]).toMatch(
      /content type "application\/json" is not declared/,
    );
    expect(contract.problemsWith('PUT', url, fake(200, {}))).toEqual([`no operation PUT ${url} in the document`]);
    // OpenAPI 3.0's boolean exclusiveMinimum is not JSON Schema 2020-12: a schema written the 3.0 way fails to compile.
    const threeZero = {
      ...document,
      components: { schemas: { X: { type: 'integer', minimum: 0, exclusiveMinimum: true } } },
    };
    expect(() => new OpenApiContract(threeZero)).toThrow(/exclusiveMinimum must be number/);
  });

  it('the outbox admin endpoints and the AsyncAPI document', async () => {
    await aCustomer();
    expect((await call('GET', '/v1/admin/outbox/stats')).body).toMatchObject({
      pending: expect.any(Number),
      deadLetters: 0,
    });
    expect((await call('GET', '/v1/admin/outbox/dead-letters?limit=0')).status).toBe(400);
    expect((await call('POST', '/v1/admin/outbox/dead-letters/not-a-uuid/requeue')).status).toBe(400);
    expect((await call('POST', `/v1/admin/outbox/dead-letters/${randomUUID()}/requeue`)).status).toBe(404);
    const [row] = await t.dataSource.query('SELECT id FROM outbox_messages ORDER BY position DESC LIMIT 1');
    expect((await call('POST', `/v1/admin/outbox/dead-letters/${row.id}/requeue`)).status).toBe(409);
    await t.dataSource.query(
      'UPDATE outbox_messages SET dead_lettered_at = occurred_at, attempts = 20, last_error = ? WHERE id = ?',
      ['simulated', row.id],
    );
    const deadLetters = await call('GET', '/v1/admin/outbox/dead-letters?limit=5');
    expect(deadLetters.body.items.map((item: { id: string }) => item.id)).toContain(row.id);
    expect((await call('POST', `/v1/admin/outbox/dead-letters/${row.id}/requeue`)).status).toBe(204);
    const asyncApi = await call('GET', '/asyncapi.json');
    expect(asyncApi.status).toBe(200);
    expect(asyncApi.body.asyncapi).toBe('3.1.0');
  });

  it('every protected operation: 401 without a token, 403 without its scope, 429 over the rate limit', async () => {
    const limited = await startTestApp({ RATE_LIMIT_PER_MINUTE: '1', RATE_LIMIT_SENSITIVE_PER_MINUTE: '1' });
    try {
      const protectedOperations = contract.operations().filter(({ operation }) => operation.responses['401']);
      expect(protectedOperations.map((o) => `${o.method} ${o.path}`)).toEqual(
        expect.arrayContaining(['GET /v1/customers', 'DELETE /v1/customers/{id}', 'GET /v1/admin/outbox/stats']),
      );
      for (const { method, path, operation } of protectedOperations) {
        const url = path.replace('{id}', path.includes('dead-letters') ? randomUUID() : '999999999');
        const declared = operation as { security?: Array<Record<string, string[]>>; 'x-required-scopes'?: string[] };
        expect(declared.security).toEqual([{ bearer: [] }]);
        const scope = declared['x-required-scopes']?.[0];
        expect({ operation: `${method} ${path}`, scope }).toEqual({
          operation: `${method} ${path}`,
          scope: expect.any(String),
        });
        const send = (app: TestApp, authorization?: string) => {
          const request = (app.anonymous() as any)[method.toLowerCase()](url);
          return authorization === undefined ? request : request.set('Authorization', authorization);
        };
        const unauthorized = await send(t);
        contract.check(method, url, unauthorized);
        expect(unauthorized.status).toBe(401);
        const forbidden = await send(t, await bearer({ scopes: ALL_SCOPES.filter((s) => s !== scope) }));
        contract.check(method, url, forbidden);
        expect(forbidden.status).toBe(403);
        const token = await bearer({ subject: `rate-${method}-${path}` });
        const first = await send(limited, token);
        contract.check(method, url, first);
        expect(first.headers['ratelimit-limit']).toBe('1');
        const second = await send(limited, token);
        contract.check(method, url, second);
        expect(second.status).toBe(429);
        expect(second.headers['retry-after']).toMatch(/^[0-9]+$/);
      }
    } finally {
      await limited.close();
    }
  });

  it('produced every declared response of the customer, admin, contract and health endpoints, but for a database outage (503)', () => {
    const unseen = contract
      .unseen()
      .filter((key) => / \/(v1\/customers|v1\/admin|asyncapi|health)/.test(key) && !key.endsWith(' 503'));
    expect(unseen).toEqual([]);
  });
});
