/**
 * Authentication and authorization over real HTTP, on SQLite (`npm test`) and MariaDB (`npm run test:integration`):
 * tokens signed by key pairs generated for this run (RS256, ES256), a public key given as PEM or as a JWK, and a JWKS
 * served on 127.0.0.1 that rotates. The attacks are tests of their own, each checking the answer a client sees: 401
 * problem+json with `WWW-Authenticate: Bearer error="invalid_token"` and one generic detail for every failure.
 */
import { createHmac } from 'node:crypto';
import { exportJWK } from 'jose';
import type { Response } from 'supertest';
import { aRegistration } from '../support/customer-bodies';
import {
  ALL_SCOPES,
  authEnv,
  bearer,
  generateTestKey,
  handMadeJwt,
  JwksServer,
  mintToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  validClaims,
} from '../support/auth';
import { startTestApp, type TestApp } from '../support/test-app';

const GENERIC_DETAIL = 'A valid bearer access token is required.';

function expectInvalidToken(response: Response): void {
  expect(response.status).toBe(401);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  expect(response.body).toMatchObject({ status: 401, type: '/problems/invalid-token', detail: GENERIC_DETAIL });
}

describe('with a public key configured (PEM, RS256)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const get = (authorization?: string) => {
    const request = t.anonymous().get('/v1/customers');
    return authorization === undefined ? request : request.set('Authorization', authorization);
  };

  it('serves a request whose token verifies and carries the scope', async () => {
    const response = await get(await bearer({ scopes: ['customers:read'] }));
    expect(response.status).toBe(200);
  });

  it('answers 401 without a token, with a generic detail and the RFC 6750 challenge', async () => {
    expectInvalidToken(await get());
  });

  it.each([
    ['a Basic credential', 'Basic dXNlcjpwYXNz'],
    ['an empty Bearer', 'Bearer '],
    ['a token that is not a JWT', 'Bearer not-a-jwt'],
    ['a token with characters a token cannot have', 'Bearer abc$def'],
    ['a truncated JWT', 'Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0'],
  ])('answers 401 for %s', async (_case, authorization) => {
    expectInvalidToken(await get(authorization));
  });

  it('answers 401 for an expired token', async () => {
    expectInvalidToken(await get(await bearer({ expiresIn: -120 })));
  });

  it('accepts a token expired within the clock skew (30 s by default), and one not yet valid within it', async () => {
    expect((await get(await bearer({ expiresIn: -10 }))).status).toBe(200);
    expect((await get(await bearer({ notBefore: 10 }))).status).toBe(200);
  });

  it('answers 401 for a token that is not valid yet (nbf beyond the skew)', async () => {
    expectInvalidToken(await get(await bearer({ notBefore: 120 })));
  });

  it('answers 401 for a token from another issuer', async () => {
    expectInvalidToken(await get(await bearer({ issuer: 'https://evil.example/' })));
  });

  it('answers 401 for a token for another audience', async () => {
    expectInvalidToken(await get(await bearer({ audience: 'another-api' })));
  });

  it('answers 401 for a token signed by another key', async () => {
    expectInvalidToken(await get(await bearer({ key: generateTestKey('RS256') })));
  });

  it('answers 401 for an ID token or any token whose typ is not at+jwt', async () => {
    expectInvalidToken(await get(await bearer({ typ: 'JWT' })));
  });

  it('answers 401 for a token whose signature was tampered with', async () => {
    const [header, payload, signature] = (await mintToken()).split('.');
    const forged = Buffer.from(JSON.stringify({ ...validClaims(), sub: 'someone-else' })).toString('base64url');
    expect(payload).not.toBe(forged);
    expectInvalidToken(await get(`Bearer ${header}.${forged}.${signature}`));
  });

  it('never accepts alg none', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      const token = handMadeJwt({ alg, typ: 'at+jwt' }, validClaims());
      expectInvalidToken(await get(`Bearer ${token}`));
    }
  });

  it('never accepts an HS256 token signed with the public key as the HMAC secret (key confusion)', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'at+jwt' })).toString('base64url');
    const payload = Buffer.from(JSON.stringify(validClaims())).toString('base64url');
    for (const secret of [authEnv().AUTH_JWT_PUBLIC_KEY, authEnv().AUTH_JWT_PUBLIC_KEY.trim()]) {
      const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest('base64url');
      expectInvalidToken(await get(`Bearer ${header}.${payload}.${signature}`));
    }
  });

  it('answers 403 with insufficient_scope to a token with every scope but the one needed, on every route', async () => {
    const created = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
    const id = created.body.id as string;
    const routes: Array<[string, string, string]> = [
      ['get', '/v1/customers', 'customers:read'],
      ['get', `/v1/customers/${id}`, 'customers:read'],
      ['post', '/v1/customers', 'customers:write'],
      ['patch', `/v1/customers/${id}`, 'customers:write'],
      ['post', `/v1/customers/${id}/deactivate`, 'customers:write'],
      ['post', `/v1/customers/${id}/reactivate`, 'customers:write'],
      ['delete', `/v1/customers/${id}`, 'customers:erase'],
      ['get', '/v1/admin/outbox/stats', 'outbox:admin'],
      ['get', '/v1/admin/outbox/dead-letters', 'outbox:admin'],
      ['post', '/v1/admin/outbox/dead-letters/00000000-0000-4000-8000-000000000000/requeue', 'outbox:admin'],
    ];
    for (const [method, path, scope] of routes) {
      const authorization = await bearer({ scopes: ALL_SCOPES.filter((s) => s !== scope) });
      const response = await (t.anonymous() as any)[method](path).set('Authorization', authorization);
      expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
      expect(response.headers['www-authenticate']).toBe(`Bearer error="insufficient_scope", scope="${scope}"`);
      expect(response.body).toMatchObject({ status: 403, type: '/problems/insufficient-scope' });
    }
    // Nothing was changed by the refused writes.
    const after = await t.http().get(`/v1/customers/${id}`).expect(200);
    expect(after.body).toMatchObject({ status: 'active', version: 1 });
  });

  it('reads the scp array claim as well as the scope string', async () => {
    expect((await get(await bearer({ scopes: ['customers:read'], scpArray: true }))).status).toBe(200);
  });

  it('leaves the probes, the metrics and the API documents open', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics', '/docs-json', '/docs', '/asyncapi.json']) {
      const response = await t.anonymous().get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
    }
  });
});

describe('with an ES256 key given as a JWK', () => {
  const key = generateTestKey('ES256');
  let t: TestApp;
  beforeAll(async () => {
    const jwk = JSON.stringify(await exportJWK(key.publicKey));
    t = await startTestApp({ AUTH_JWT_PUBLIC_KEY: jwk, AUTH_ISSUER: TEST_ISSUER, AUTH_AUDIENCE: TEST_AUDIENCE });
  });
  afterAll(() => t.close());

  it('verifies ES256 tokens and refuses RS256 ones from the default test key', async () => {
    const ok = await t
      .anonymous()
      .get('/v1/customers')
      .set('Authorization', await bearer({ key }));
    expect(ok.status).toBe(200);
    expectInvalidToken(
      await t
        .anonymous()
        .get('/v1/customers')
        .set('Authorization', await bearer()),
    );
  });
});

describe('with keys from a JWKS endpoint', () => {
  const first = generateTestKey('RS256');
  const second = generateTestKey('ES256');
  let jwks: JwksServer;
  let t: TestApp;
  beforeAll(async () => {
    jwks = await JwksServer.start([first]);
    t = await startTestApp(jwks.env());
  });
  afterAll(async () => {
    await t.close();
    await jwks.close();
  });
  afterEach(() => jest.restoreAllMocks());

  const get = async (key: typeof first) =>
    t
      .anonymous()
      .get('/v1/customers')
      .set('Authorization', await bearer({ key }));

  it('picks up a new kid after a rotation, fetching again at most once per 30 s', async () => {
    expect((await get(first)).status).toBe(200);
    const fetchesAfterFirst = jwks.fetches;
    expect(fetchesAfterFirst).toBe(1);

    jwks.rotate([first, second]);
    // Within the cooldown an unknown kid does not make the service hammer the issuer: refused, no new fetch.
    expectInvalidToken(await get(second));
    expect(jwks.fetches).toBe(fetchesAfterFirst);

    // 31 s later (the clock jose reads for the cooldown, moved on) the unknown kid triggers one fetch.
    const now = Date.now();
    jest.spyOn(Date, 'now').mockReturnValue(now + 31_000);
    expect((await get(second)).status).toBe(200);
    expect(jwks.fetches).toBe(fetchesAfterFirst + 1);
    expect((await get(first)).status).toBe(200); // the old key still works while the set lists it
  });

  it('answers 401 for a token whose kid the JWKS does not list', async () => {
    expectInvalidToken(await get(generateTestKey('RS256')));
  });
});

describe('with auth disabled explicitly (AUTH_DISABLED=true)', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ AUTH_DISABLED: 'true' })));
  afterAll(() => t.close());

  it('serves every route without a token', async () => {
    await t.anonymous().get('/v1/customers').expect(200);
    await t.anonymous().post('/v1/customers').send(aRegistration()).expect(201);
    await t.anonymous().get('/v1/admin/outbox/stats').expect(200);
  });
});
