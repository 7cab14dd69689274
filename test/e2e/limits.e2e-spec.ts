/**
 * Limits a hostile or careless caller meets, over real HTTP on SQLite and MariaDB: the rate limits per caller (with
 * the RateLimit-* headers and a 429 problem), `Cache-Control: no-store` on responses that carry personal data, CORS
 * off unless configured.
 */
import type { Response } from 'supertest';
import { bearer } from '../support/auth';
import { aRegistration } from '../support/customer-bodies';
import { startTestApp, type TestApp } from '../support/test-app';

function expectProblem(response: Response, status: number): void {
  expect({ status: response.status, type: response.headers['content-type'] }).toEqual({
    status,
    type: expect.stringMatching(/^application\/problem\+json/),
  });
}

describe('rate limits per caller', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_SENSITIVE_PER_MINUTE: '1' })));
  afterAll(() => t.close());

  it('counts down in RateLimit-* headers, then answers 429 with Retry-After, for that caller only', async () => {
    const ana = await bearer({ subject: 'ana' });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ok = await t.anonymous().get('/v1/customers').set('Authorization', ana).expect(200);
      expect(ok.headers['ratelimit-limit']).toBe('3');
      expect(Number(ok.headers['ratelimit-reset'])).toBeGreaterThan(0);
      remaining.push(ok.headers['ratelimit-remaining']);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await t.anonymous().get('/v1/customers').set('Authorization', ana);
    expectProblem(limited, 429);
    expect(limited.body).toMatchObject({ type: '/problems/too-many-requests', status: 429 });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another caller has a budget of its own.
    await t
      .anonymous()
      .get('/v1/customers')
      .set('Authorization', await bearer({ subject: 'bia' }))
      .expect(200);
  });

  it('gives DELETE and the admin endpoints a stricter budget of their own', async () => {
    const carla = await bearer({ subject: 'carla' });
    const first = await t.anonymous().delete('/v1/customers/999999').set('Authorization', carla);
    expect(first.status).toBe(404);
    expect(first.headers['ratelimit-limit']).toBe('1');
    expectProblem(await t.anonymous().delete('/v1/customers/999998').set('Authorization', carla), 429);
    expectProblem(await t.anonymous().get('/v1/admin/outbox/stats').set('Authorization', carla), 429);
    // The everyday budget is untouched by the sensitive one.
    await t.anonymous().get('/v1/customers').set('Authorization', carla).expect(200);
  });

  it('never limits the probes and the metrics', async () => {
    for (let i = 0; i < 5; i++) await t.anonymous().get('/health/live').expect(200);
  });
});

describe('rate limits with auth off', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ AUTH_DISABLED: 'true', RATE_LIMIT_PER_MINUTE: '2' })));
  afterAll(() => t.close());

  it('counts by client address', async () => {
    await t.anonymous().get('/v1/customers').expect(200);
    await t.anonymous().get('/v1/customers').expect(200);
    expectProblem(await t.anonymous().get('/v1/customers'), 429);
  });
});

describe('caching and CORS', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('marks every response that carries a customer Cache-Control: no-store', async () => {
    const created = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
    const id = created.body.id as string;
    const responses = [
      created,
      await t.http().get(`/v1/customers/${id}`).expect(200),
      await t.http().get('/v1/customers').expect(200),
      await t.http().post(`/v1/customers/${id}/deactivate`).expect(200),
      await t.http().post(`/v1/customers/${id}/reactivate`).expect(200),
      await t
        .http()
        .patch(`/v1/customers/${id}`)
        .set('If-Match', '"3"')
        .set('Content-Type', 'application/merge-patch+json')
        .send(JSON.stringify({ name: 'Ana Reis' }))
        .expect(200),
    ];
    for (const response of responses) expect(response.headers['cache-control']).toBe('no-store');
  });

  it('sends no CORS headers when CORS_ORIGINS is not set', async () => {
    const preflight = await t
      .anonymous()
      .options('/v1/customers')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'GET');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const get = await t.http().get('/v1/customers').set('Origin', 'https://evil.example');
    expect(get.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS_ORIGINS', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ CORS_ORIGINS: 'https://app.example' })));
  afterAll(() => t.close());

  it('allows the listed origin only', async () => {
    const allowed = await t
      .anonymous()
      .options('/v1/customers')
      .set('Origin', 'https://app.example')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://app.example');
    expect(allowed.headers['access-control-allow-headers']).toMatch(/authorization/i);
    const other = await t.http().get('/v1/customers').set('Origin', 'https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
