/**
 * The whole path a subscriber relies on, over real HTTP, MariaDB and RabbitMQ: a command's commit wakes the
 * in-process relay, and exactly one CloudEvent per change arrives on a queue bound to `customer.#`, with the
 * contract's routing key, AMQP properties and body. Polling is set to a minute, so a prompt arrival proves the
 * post-commit wake-up, not the safety-net poll.
 */
import { connect } from 'amqplib';
import { createCustomerEventValidator } from '../../libs/contracts/src/testing';
import { AmqpTestQueue, deleteTestTopology, uniqueName } from '../support/amqp-test-queue';
import { aRegistration } from '../support/customer-bodies';
import { startTestApp, type TestApp } from '../support/test-app';

const AMQP_URL = process.env.AMQP_URL!;
const validate = createCustomerEventValidator();

describe('HTTP → outbox → RabbitMQ', () => {
  let t: TestApp;
  let exchange: string;
  let queue: AmqpTestQueue;

  beforeAll(async () => {
    exchange = uniqueName('customerflow.events.api');
    const connection = await connect(AMQP_URL);
    const channel = await connection.createChannel();
    await channel.assertExchange(`${exchange}.unrouted`, 'fanout', { durable: true });
    await channel.assertExchange(exchange, 'topic', { durable: true, alternateExchange: `${exchange}.unrouted` });
    await connection.close();
    queue = await AmqpTestQueue.bound(AMQP_URL, exchange, 'customer.#');
    t = await startTestApp({ OUTBOX_RELAY: 'inprocess', AMQP_EXCHANGE: exchange, OUTBOX_POLL_MS: '60000' });
  });

  afterAll(async () => {
    await t.close();
    await queue.delete();
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
  });
});
