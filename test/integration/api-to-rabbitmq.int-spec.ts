/**
 * The whole path a subscriber relies on, over real HTTP, MariaDB and RabbitMQ: a command's commit wakes the
 * in-process relay, and exactly one CloudEvent per change arrives on a queue bound to `customer.#`, with the
 * contract's routing key, AMQP properties and body; its `.v2`, with the sequence zero-padded, arrives on a queue bound
 * to `v2.customer.#`, and nothing else does. Polling is set to a minute, so a prompt arrival proves the post-commit
 * wake-up, not the safety-net poll.
 */
import { createCustomerEventValidator } from '../../libs/contracts/src/testing';
import { AmqpTestQueue, declareTestTopology, deleteTestTopology, uniqueName } from '../support/amqp-test-queue';
import { aRegistration } from '../support/customer-bodies';
import { registerAndChange, startTestApp, type TestApp } from '../support/test-app';

const AMQP_URL = process.env.AMQP_URL!;
const validate = createCustomerEventValidator();

describe('HTTP → outbox → RabbitMQ', () => {
  let t: TestApp;
  let exchange: string;
  let queue: AmqpTestQueue;
  let queueV2: AmqpTestQueue;

  beforeAll(async () => {
    exchange = uniqueName('customerflow.events.api');
    await declareTestTopology(AMQP_URL, exchange);
    queue = await AmqpTestQueue.bound(AMQP_URL, exchange, 'customer.#');
    queueV2 = await AmqpTestQueue.bound(AMQP_URL, exchange, 'v2.customer.#');
    t = await startTestApp({ OUTBOX_RELAY: 'inprocess', AMQP_EXCHANGE: exchange, OUTBOX_POLL_MS: '60000' });
  });

  afterAll(async () => {
    await t.close();
    await queue.delete();
    await queueV2.delete();
    await deleteTestTopology(AMQP_URL, exchange);
  });

  it('announces register, change, deactivate and erase, one message each, in order, within moments of the commit', async () => {
    const started = Date.now();
    const { body: customer } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
    const [registered] = await queue.waitFor(1, 3000);
    expect(Date.now() - started).toBeLessThan(3000);
    await t.http().patch(`/v1/customers/${customer.id}`).set('If-Match', '"1"').send({ name: 'Ana Lima' }).expect(200);
    await t.http().post(`/v1/customers/${customer.id}/deactivate`).expect(200);
    await t.http().delete(`/v1/customers/${customer.id}`).expect(204);
    await queue.waitFor(4, 3000);
    await queue.settle(300);
    const messages = queue.received.filter((m) => JSON.parse(m.body).subject === customer.id);
    expect(messages).toHaveLength(4);
    expect(queue.received).toHaveLength(4); // and nothing else: the database was empty when the relay started

    expect(registered.routingKey).toBe('customer.registered');
    const [outboxRow] = await t.dataSource.query(
      'SELECT id, published_at FROM outbox_messages WHERE aggregateid = ? ORDER BY position LIMIT 1',
      [customer.id],
    );
    expect(registered.properties).toMatchObject({
      messageId: outboxRow.id,
      contentType: 'application/cloudevents+json',
      type: 'customerflow.customer.registered.v1',
      deliveryMode: 2,
    });
    expect(outboxRow.published_at).not.toBeNull();
    const events = messages.map((m) => JSON.parse(m.body));
    expect(events[0].data).toEqual(customer);
    expect(messages.map((m) => m.routingKey)).toEqual([
      'customer.registered',
      'customer.updated',
      'customer.deactivated',
      'customer.erased',
    ]);
    expect(events.map((e) => e.sequence)).toEqual(['1', '2', '3', '4']);
    expect(events.map((e) => e.subject)).toEqual(Array(4).fill(customer.id));
    expect(events[1].data.changes).toEqual({ name: 'Ana Lima' });
    for (const event of events) expect(validate(event)).toEqual({ valid: true, errors: [] });
    expect(events.map((e) => e.type)).toEqual([
      'customerflow.customer.registered.v1',
      'customerflow.customer.updated.v1',
      'customerflow.customer.deactivated.v1',
      'customerflow.customer.erased.v1',
    ]);
  });

  it('announces the same changes as .v2 on v2.customer.#, the sequence padded, in order, under the same ids', async () => {
    const customer = { id: await registerAndChange(t, 10) }; // versions 1 to 11: past 9 → 10
    const ofCustomer = (received: typeof queue.received) =>
      received.filter((m) => JSON.parse(m.body).subject === customer.id);
    const deadline = Date.now() + 10_000;
    while (ofCustomer(queueV2.received).length < 11 && Date.now() < deadline) await queueV2.settle(50);
    await queue.settle(300);
    await queueV2.settle(300);

    const v1 = ofCustomer(queue.received);
    const v2 = ofCustomer(queueV2.received);
    expect(v2).toHaveLength(11); // versions 1 to 11: past 9 → 10
    expect(v1).toHaveLength(11);
    // customer.# sees only .v1, v2.customer.# only .v2: neither binding matches the other version's key.
    expect(queue.received.every((m) => m.properties.type.endsWith('.v1') && m.routingKey.startsWith('customer.'))).toBe(
      true,
    );
    expect(queueV2.received.every((m) => m.properties.type.endsWith('.v2'))).toBe(true);
    expect(v2.map((m) => m.routingKey)).toEqual(['v2.customer.registered', ...Array(10).fill('v2.customer.updated')]);
    const events = v2.map((m) => JSON.parse(m.body));
    const sequences = events.map((e) => e.sequence);
    expect(sequences).toEqual(Array.from({ length: 11 }, (_, i) => String(i + 1).padStart(20, '0')));
    expect([...sequences].reverse().sort()).toEqual(sequences);
    expect(v2.map((m) => m.properties.messageId)).toEqual(v1.map((m) => m.properties.messageId));
    expect(v2[0].properties).toMatchObject({
      contentType: 'application/cloudevents+json',
      type: 'customerflow.customer.registered.v2',
      deliveryMode: 2,
    });
    for (const event of events) expect(validate(event)).toEqual({ valid: true, errors: [] });
  });
});
