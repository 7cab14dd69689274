/**
 * Hilo ids under more concurrent registrations than the connection pool holds. A registration that waited for its
 * id while holding a pooled connection in an open transaction would starve the reservation of the connection it
 * needs, and with every connection held so, nothing would move again: the id is drawn before the transaction opens.
 * Blocks of one id make every registration reserve a block.
 */
import { aRegistration } from '../support/customer-bodies';
import { startTestApp, type TestApp } from '../support/test-app';

const POOL_SIZE = 20; // dataSourceOptions' pool for the service
const REGISTRATIONS = POOL_SIZE * 3;

describe('hilo ids with more registrations in flight than pooled connections', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ ID_STRATEGY: 'hilo', HILO_BLOCK_SIZE: '1' })));
  afterAll(() => t?.close());

  it(`registers ${REGISTRATIONS} customers at once, each with its own id`, async () => {
    const responses = await Promise.all(
      Array.from({ length: REGISTRATIONS }, () => t.http().post('/v1/customers').send(aRegistration()).timeout(30_000)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(REGISTRATIONS).fill(201));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(REGISTRATIONS);
  }, 60_000);
});
