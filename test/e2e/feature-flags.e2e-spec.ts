/**
 * FEATURE_FLAGS_FILE: the `customer-writes` flag pauses customer changes (503, Retry-After) while reads go on, and
 * the file is re-read while the service runs, so an operator flips it back without a restart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aRegistration } from '../support/customer-bodies';
import { startTestApp, type TestApp } from '../support/test-app';

describe('feature flags', () => {
  let t: TestApp;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'customerflow-flags-'));
    file = join(dir, 'flags.json');
    writeFileSync(file, JSON.stringify({ 'customer-writes': true }));
    t = await startTestApp({ FEATURE_FLAGS_FILE: file });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function waitForStatus(send: () => Promise<{ status: number }>, status: number): Promise<{ status: number }> {
    let response = await send();
    for (let i = 0; i < 50 && response.status !== status; i++) {
      await new Promise((r) => setTimeout(r, 100));
      response = await send();
    }
    return response;
  }

  it('pauses writes when customer-writes is off, keeps reads, and resumes when it is on again', async () => {
    const { body: customer } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);

    writeFileSync(file, JSON.stringify({ 'customer-writes': false }));
    const paused = await waitForStatus(() => t.http().post('/v1/customers').send(aRegistration()), 503);
    expect(paused.status).toBe(503);
    const problem = await t.http().patch(`/v1/customers/${customer.id}`).set('If-Match', '"1"').send({ name: 'X' });
    expect(problem.status).toBe(503);
    expect(problem.headers['retry-after']).toBe('60');
    expect(problem.body).toMatchObject({ type: '/problems/writes-paused', status: 503 });
    expect((await t.http().delete(`/v1/customers/${customer.id}`)).status).toBe(503);
    expect((await t.http().get(`/v1/customers/${customer.id}`)).status).toBe(200);
    expect((await t.http().get('/v1/customers')).status).toBe(200);

    writeFileSync(file, '{ not json'); // a broken edit keeps the last good flags
    await new Promise((r) => setTimeout(r, 1500));
    expect((await t.http().post('/v1/customers').send(aRegistration())).status).toBe(503);

    writeFileSync(file, JSON.stringify({ 'customer-writes': true }));
    const resumed = await waitForStatus(() => t.http().post('/v1/customers').send(aRegistration()), 201);
    expect(resumed.status).toBe(201);
  }, 20_000);
});
