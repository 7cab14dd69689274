/**
 * One answer for one situation on every endpoint that changes a customer (PATCH, deactivate, reactivate, DELETE):
 * 404 for an unknown id, then 410 for an erased customer, then 412 for a stale If-Match. Erasure comes before the
 * version because no version can make a change to an erased customer possible (see docs/write-side.md).
 * Runs on SQLite (`npm test`) and on MariaDB (`npm run test:integration`).
 */
import type { Response } from 'supertest';
import { aRegistration } from '../support/customer-bodies';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

type Change = (id: string, ifMatch: string) => Promise<Response>;

const CHANGES: ReadonlyArray<readonly [string, Change]> = [
  [
    'PATCH /v1/customers/{id}',
    (id, ifMatch) =>
      t
        .http()
        .patch(`/v1/customers/${id}`)
        .set('If-Match', ifMatch)
        .set('Content-Type', 'application/merge-patch+json')
        .send({ name: 'Bia Lima' }),
  ],
  [
    'POST /v1/customers/{id}/deactivate',
    (id, ifMatch) => t.http().post(`/v1/customers/${id}/deactivate`).set('If-Match', ifMatch),
  ],
  [
    'POST /v1/customers/{id}/reactivate',
    (id, ifMatch) => t.http().post(`/v1/customers/${id}/reactivate`).set('If-Match', ifMatch),
  ],
  ['DELETE /v1/customers/{id}', (id, ifMatch) => t.http().delete(`/v1/customers/${id}`).set('If-Match', ifMatch)],
];

async function aCustomerId(): Promise<string> {
  const response = await t.http().post('/v1/customers').send(aRegistration());
  expect(response.status).toBe(201);
  return response.body.id as string;
}

/** A customer erased at version 2: its ETag before erasure was "1". */
async function anErasedCustomerId(): Promise<string> {
  const id = await aCustomerId();
  expect((await t.http().delete(`/v1/customers/${id}`).set('If-Match', '"1"')).status).toBe(204);
  return id;
}

function expectProblem(response: Response, status: number, slug: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: `/problems/${slug}`, status });
}

describe.each(CHANGES)('%s: the order of 404, 410 and 412', (_name, change) => {
  it('answers 404 for an unknown customer, whatever If-Match says', async () => {
    expectProblem(await change('999999999', '"1"'), 404, 'customer-not-found');
  });

  it('answers 410, not 412, for an erased customer with a stale If-Match', async () => {
    expectProblem(await change(await anErasedCustomerId(), '"1"'), 410, 'customer-erased');
  });

  it('answers 410 for an erased customer with its current ETag', async () => {
    expectProblem(await change(await anErasedCustomerId(), '"2"'), 410, 'customer-erased');
  });

  it('answers 412 for a live customer with a stale If-Match, and changes nothing', async () => {
    const id = await aCustomerId();
    expectProblem(await change(id, '"7"'), 412, 'version-mismatch');
    const current = await t.http().get(`/v1/customers/${id}`);
    expect(current.headers.etag).toBe('"1"');
    expect(current.body).toMatchObject({ status: 'active', version: 1 });
  });
});
