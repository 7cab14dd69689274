/**
 * The `.v1` → `.v2` deprecation period as the API publishes it (in-process relay, in-memory transport): every
 * change goes out as its `.v1`, exactly as before, on `customer.<fact>`, and as its `.v2`, with the sequence
 * zero-padded so it orders as a string, on `v2.customer.<fact>`; with EVENTS_PUBLISHED=v2 only the `.v2`. On the
 * integration run too it uses the in-memory transport (AMQP_URL unset): the RabbitMQ path has its own specs.
 */
import { createCustomerEventValidator } from '../../libs/contracts/src/testing';
import { type DeliveredEvent, InMemoryTransport } from '../../libs/outbox/src';
import { registerAndChange, startTestApp, type TestApp } from '../support/test-app';

const validate = createCustomerEventValidator();

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the relay');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function startWithSubscribers(env: Record<string, string>) {
  const t = await startTestApp({ OUTBOX_RELAY: 'inprocess', AMQP_URL: '', ...env });
  const v1: DeliveredEvent[] = [];
  const v2: DeliveredEvent[] = [];
  const transport = t.app.get(InMemoryTransport);
  transport.subscribe('customer.#', (event) => void v1.push(event));
  transport.subscribe('v2.customer.#', (event) => void v2.push(event));
  return { t, v1, v2 };
}

const about = (id: string) => (events: DeliveredEvent[]) =>
  events.map((e) => e.event as Record<string, any>).filter((e) => e.subject === id);

describe('EVENTS_PUBLISHED unset (v1,v2): the deprecation period', () => {
  let t: TestApp;
  let v1: DeliveredEvent[];
  let v2: DeliveredEvent[];
  beforeAll(async () => ({ t, v1, v2 } = await startWithSubscribers({})));
  afterAll(() => t.close());

  it('publishes each change as .v1 on customer.# and as .v2, padded, on v2.customer.#, both in order', async () => {
    const id = await registerAndChange(t, 11); // versions 1 to 12: past 9 → 10
    await t.http().post(`/v1/customers/${id}/deactivate`).expect(200);
    const ofCustomer = about(id);
    await until(() => ofCustomer(v2).length === 13 && ofCustomer(v1).length === 13);

    const oldOnes = ofCustomer(v1);
    expect(oldOnes.map((e) => e.sequence)).toEqual(Array.from({ length: 13 }, (_, i) => String(i + 1)));
    expect(oldOnes.every((e) => e.type.endsWith('.v1'))).toBe(true);

    const newOnes = ofCustomer(v2);
    expect(newOnes.map((e) => e.sequence)).toEqual(
      Array.from({ length: 13 }, (_, i) => String(i + 1).padStart(20, '0')),
    );
    expect([...newOnes.map((e) => e.sequence)].reverse().sort()).toEqual(newOnes.map((e) => e.sequence));
    expect(v2.filter((e) => (e.event as { subject: string }).subject === id).map((e) => e.routingKey)).toEqual([
      'v2.customer.registered',
      ...Array(11).fill('v2.customer.updated'),
      'v2.customer.deactivated',
    ]);
    // The same event: one id, the same data, only the type and the sequence differ.
    newOnes.forEach((event, i) => {
      expect(event).toEqual({ ...oldOnes[i], type: oldOnes[i].type.replace(/\.v1$/, '.v2'), sequence: event.sequence });
    });
    for (const event of [...oldOnes, ...newOnes]) expect(validate(event)).toEqual({ valid: true, errors: [] });
  });
});

describe('EVENTS_PUBLISHED=v2: the deprecation period is over', () => {
  let t: TestApp;
  let v1: DeliveredEvent[];
  let v2: DeliveredEvent[];
  beforeAll(async () => ({ t, v1, v2 } = await startWithSubscribers({ EVENTS_PUBLISHED: 'v2' })));
  afterAll(() => t.close());

  it('publishes only the .v2 events', async () => {
    const id = await registerAndChange(t, 1);
    await until(() => about(id)(v2).length === 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(about(id)(v2).map((e) => [e.type, e.sequence])).toEqual([
      ['customerflow.customer.registered.v2', '00000000000000000001'],
      ['customerflow.customer.updated.v2', '00000000000000000002'],
    ]);
    expect(v1).toEqual([]);
  });
});
