/**
 * Hostile input is a 4xx problem+json, never a 500, and changes nothing; and every response carries the security
 * headers. Real HTTP on SQLite (`npm test`) and MariaDB (`npm run test:integration`): out-of-range ids and cursors,
 * JSON nested thousands of levels deep, prototype keys anywhere in a body or a query, invalid UTF-8.
 */
import { request as httpRequest } from 'node:http';
import type { Response } from 'supertest';
import { mintToken } from '../support/auth';
import { aRegistration } from '../support/customer-bodies';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let token: string;
beforeAll(async () => {
  t = await startTestApp();
  token = await mintToken();
});
afterAll(() => t.close());

function expectProblem(response: Response, status: number, type?: string): void {
  expect({ status: response.status, contentType: response.headers['content-type'] }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json/),
  });
  if (type) expect(response.body.type).toBe(type);
}

const count = async () =>
  Number((await t.dataSource.query<Array<{ n: number | string }>>('SELECT COUNT(*) AS n FROM customers'))[0]?.n);

const post = (body: string | Buffer, contentType = 'application/json') =>
  t.http().post('/v1/customers').set('Content-Type', contentType).send(body);

describe('ids and cursors out of range', () => {
  it('answers 400 for a cursor whose id is beyond 2^63-1, and 404 for such an id', async () => {
    const cursor = Buffer.from(
      JSON.stringify({ v: 1, s: '-createdAt', k: '2026-01-01T00:00:00.000Z', i: '9223372036854775808' }),
    ).toString('base64url');
    expectProblem(await t.http().get(`/v1/customers?cursor=${cursor}`), 400);
    for (const id of ['9223372036854775808', '9999999999999999999', '9223372036854775807']) {
      expectProblem(await t.http().get(`/v1/customers/${id}`), 404);
      expectProblem(await t.http().delete(`/v1/customers/${id}`), 404);
    }
  });
});

describe('deep nesting', () => {
  it('answers 400 before validation runs for JSON nested 3,000 levels (it used to overflow the stack: a 500)', async () => {
    const before = await count();
    for (const body of [
      `{"name":${'['.repeat(3000)}${']'.repeat(3000)}}`,
      `{"addresses":[${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}]}`,
    ]) {
      expectProblem(await post(body), 400, '/problems/too-deeply-nested');
    }
    expect(await count()).toBe(before);
  });

  it('answers the same on PATCH', async () => {
    const id = (await t.http().post('/v1/customers').send(aRegistration()).expect(201)).body.id as string;
    const response = await t
      .http()
      .patch(`/v1/customers/${id}`)
      .set('If-Match', '"1"')
      .set('Content-Type', 'application/merge-patch+json')
      .send(`{"name":${'['.repeat(40)}${']'.repeat(40)}}`);
    expectProblem(response, 400, '/problems/too-deeply-nested');
    expect((await t.http().get(`/v1/customers/${id}`).expect(200)).body.version).toBe(1);
  });
});

describe('prototype keys', () => {
  const address =
    '{"street":"Rua A","number":"1","complement":null,"district":"B","city":"C","state":"SP","postalCode":"01310200","country":"BR"';
  it.each([
    ['__proto__ at the top', '"__proto__":{"admin":true}', '/__proto__'],
    ['constructor at the top', '"constructor":{"prototype":{"admin":true}}', '/constructor'],
    ['prototype at the top', '"prototype":{}', '/prototype'],
    [
      '__proto__ in the document',
      '"document":{"type":"CPF","number":"52998224725","__proto__":{"x":1}}',
      '/document/__proto__',
    ],
    ['constructor in an address', `"addresses":[${address},"constructor":{}}]`, '/addresses/0/constructor'],
  ])('answers 400 for %s of a body, pointing at it, and stores nothing', async (_case, member, pointer) => {
    const before = await count();
    const body = `{${member},"name":"Ana Souza","email":"proto.${Date.now()}@example.com"}`;
    const response = await post(body);
    expectProblem(response, 400, '/problems/validation-failed');
    expect(response.body.errors).toContainEqual({ pointer, detail: 'is not a known field and is not allowed' });
    expect(await count()).toBe(before);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it.each([
    '__proto__[admin]=1',
    '__proto__=1',
    'constructor[prototype][admin]=1',
    'prototype=1',
    'status=active&constructor=x',
  ])('answers 400 for the query %s', async (query) => {
    const response = await t.http().get(`/v1/customers?${query}`);
    expectProblem(response, 400);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

/** A POST with exactly these bytes (supertest would re-encode a body it takes for text). */
function rawPost(body: Buffer): Promise<{ status: number; contentType: string; type: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      new URL('/v1/customers', t.url),
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': body.length,
          authorization: `Bearer ${token}`,
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            contentType: String(response.headers['content-type']),
            type: (JSON.parse(text) as { type: string }).type,
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('invalid UTF-8', () => {
  it.each([
    ['a lone continuation byte', Buffer.from([0x80])],
    ['a truncated two-byte sequence', Buffer.from([0xc3])],
    ['an overlong slash', Buffer.from([0xc0, 0xaf])],
    ['an encoded surrogate', Buffer.from([0xed, 0xa0, 0x80])],
  ])('answers 400 for %s in a name, instead of storing U+FFFD', async (_case, bytes) => {
    const before = await count();
    const registration = aRegistration();
    const [head, tail] = JSON.stringify(registration).split(String(registration.name));
    const body = Buffer.concat([Buffer.from(`${head}Ana `), bytes, Buffer.from(` Souza${tail}`)]);
    expect(await rawPost(body)).toEqual({
      status: 400,
      contentType: expect.stringMatching(/^application\/problem\+json/),
      type: '/problems/invalid-utf8',
    });
    expect(await count()).toBe(before);
  });
});

describe('security headers', () => {
  it('are on every response: success, problem, unknown route, probe', async () => {
    const responses = [
      await t.http().get('/v1/customers'),
      await t.http().get('/v1/customers/999999'),
      await t.http().get('/no-such-route'),
      await t.anonymous().get('/v1/customers'),
      await t.anonymous().get('/health/live'),
      await post('{"broken":'),
    ];
    for (const response of responses) {
      expect({
        status: response.status,
        nosniff: response.headers['x-content-type-options'],
        referrer: response.headers['referrer-policy'],
        frame: response.headers['x-frame-options'],
        csp: response.headers['content-security-policy'],
      }).toEqual({
        status: response.status,
        nosniff: 'nosniff',
        referrer: 'no-referrer',
        frame: 'DENY',
        csp: expect.stringContaining("default-src 'self'"),
      });
    }
  });

  it('keep Swagger UI working: its page loads only scripts and styles the CSP allows', async () => {
    const page = await t.anonymous().get('/docs');
    expect(page.status).toBe(200);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    // Every script is a file served from /docs itself (no inline script, which script-src 'self' would block).
    const scripts = [...page.text.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, inline] of scripts) {
      expect(attributes).toMatch(/src="\.?\/?[^":]+"/);
      expect(inline.trim()).toBe('');
    }
    for (const [, src] of page.text.matchAll(/<script[^>]*src="([^"]+)"/g)) {
      expect((await t.anonymous().get(new URL(src, `${t.url}/docs`).pathname)).status).toBe(200);
    }
  });
});
