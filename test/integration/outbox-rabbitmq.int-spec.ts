/**
 * The relay against the real RabbitMQ and MariaDB: what a subscriber receives (routing key, AMQP properties,
 * CloudEvents body valid against its schema), where an event nobody is bound to goes, and how a row that cannot be
 * published backs off, is dead-lettered, and holds back its customer's later events until then.
 */
import { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { createCustomerEventValidator } from '../../libs/contracts/src/testing';
import { fromDb } from '../../libs/platform/src';
import { AmqpTestQueue, deleteTestTopology, uniqueName } from '../support/amqp-test-queue';
import { emptyOutbox, openOutboxTestDatabase, outboxCounts } from '../support/relay-database';
import { analyseDeliveries, insertOutboxRows } from '../support/relay-fixtures';
import { inProcessRelay, type InProcessRelay } from '../support/relay-in-process';

// The relay logs every batch at debug level; keep the suite's output to what a reader needs.
Logger.overrideLogger(['fatal', 'error', 'warn', 'log']);

const AMQP_URL = process.env.AMQP_URL!;

describe('outbox relay → RabbitMQ', () => {
  let dataSource: DataSource;
  let exchange: string;
  let harness: InProcessRelay;
  const queues: AmqpTestQueue[] = [];

  beforeAll(async () => {
    dataSource = await openOutboxTestDatabase();
  });

  beforeEach(async () => {
    await emptyOutbox(dataSource);
    exchange = uniqueName('customerflow.events.it');
    harness = await inProcessRelay(dataSource, {
      exchange,
      claim: 'skip-locked',
      maxAttempts: 3,
      rowBackoff: { baseMs: 200, maxMs: 1000, jitter: 0 },
    });
    await harness.transport.check(); // declares the exchange, so test queues can bind before the first publish
  });

  afterEach(async () => {
    await harness.close();
    for (const queue of queues.splice(0)) await queue.delete().catch(() => undefined);
    await deleteTestTopology(AMQP_URL, exchange);
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  async function bind(pattern: string): Promise<AmqpTestQueue> {
    const queue = await AmqpTestQueue.bound(AMQP_URL, exchange, pattern);
    queues.push(queue);
    return queue;
  }

  it('publishes a registration as exactly one CloudEvent with the contract properties', async () => {
    const queue = await bind('customer.#');
    const [row] = await insertOutboxRows(dataSource, [
      { customerId: '42', version: 1, occurredAt: new Date('2026-03-01T12:34:56.789Z') },
    ]);

    const report = await harness.relay.relayBatch();

    expect(report).toMatchObject({ claimed: 1, published: 1, failed: 0 });
    const [message] = await queue.waitFor(1, 5000);
    await queue.settle(300);
    expect(queue.received).toHaveLength(1);
    expect(message.routingKey).toBe('customer.registered');
    expect(message.exchange).toBe(exchange);
    expect(message.body).toBe(row.payload);
    expect(message.properties).toMatchObject({
      messageId: row.id,
      contentType: 'application/cloudevents+json',
      type: 'customerflow.customer.registered.v1',
      timestamp: Math.floor(Date.parse('2026-03-01T12:34:56.789Z') / 1000),
      deliveryMode: 2,
      headers: { traceparent: row.traceparent },
    });
    const validation = createCustomerEventValidator()(JSON.parse(message.body));
    expect(validation.errors).toEqual([]);
    const [stored] = await dataSource.query(
      'SELECT published_at, attempts, lease_owner FROM outbox_messages WHERE id = ?',
      [row.id],
    );
    expect(fromDb(stored.published_at).getTime()).toBeGreaterThan(Date.now() - 10_000);
    expect(stored).toMatchObject({ attempts: 0, lease_owner: null });
  });

  it('routes each event type to its routing key, each valid against its schema', async () => {
    const queue = await bind('customer.#');
    const rows = await insertOutboxRows(
      dataSource,
      [1, 2, 3].map((version) => ({ customerId: '7', version })),
    );

    await harness.relay.relayBatch();

    const received = await queue.waitFor(3, 5000);
    expect(received.map((m) => m.routingKey)).toEqual(['customer.registered', 'customer.updated', 'customer.updated']);
    expect(received.map((m) => m.properties.messageId)).toEqual(rows.map((r) => r.id));
    const validate = createCustomerEventValidator();
    for (const message of received) expect(validate(JSON.parse(message.body)).errors).toEqual([]);
  });

  it('keeps events nobody is bound to in <exchange>.unrouted and marks them published', async () => {
    const unrouted = await AmqpTestQueue.existing(AMQP_URL, `${exchange}.unrouted`);
    const rows = await insertOutboxRows(dataSource, [
      { customerId: '1', version: 1 },
      { customerId: '2', version: 1 },
      { customerId: '1', version: 2 },
    ]);

    const report = await harness.relay.relayBatch();

    expect(report).toMatchObject({ published: 3, failed: 0 });
    const received = await unrouted.waitFor(3, 5000);
    await unrouted.close();
    expect(received.map((m) => m.properties.messageId).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(received.map((m) => m.routingKey).sort()).toEqual([
      'customer.registered',
      'customer.registered',
      'customer.updated',
    ]);
    expect(await outboxCounts(dataSource)).toMatchObject({ total: 3, published: 3, deadLettered: 0 });
  });

  it('backs a failing row off, holds its customer back, dead-letters it after the last attempt, then lets the rest go', async () => {
    const queue = await bind('customer.#');
    // An event type without a version has no routing key: the transport rejects that one message.
    const [broken, blocked, other] = await insertOutboxRows(dataSource, [
      { customerId: '1', version: 1, type: 'customerflow.customer.registered' },
      { customerId: '1', version: 2 },
      { customerId: '2', version: 1 },
    ]);
    const state = async (id: string) =>
      (
        await dataSource.query(
          'SELECT attempts, available_at, dead_lettered_at, published_at, last_error FROM outbox_messages WHERE id = ?',
          [id],
        )
      )[0];

    const first = await harness.relay.relayBatch();
    const failedAt = Date.now();
    expect(first).toMatchObject({ claimed: 3, published: 1, failed: 1 });
    const afterFirst = await state(broken.id);
    expect(afterFirst.attempts).toBe(1);
    expect(afterFirst.last_error).toMatch(/Not a CustomerFlow event type/);
    expect(fromDb(afterFirst.available_at).getTime() - failedAt).toBeGreaterThan(100); // 200 ms backoff, no jitter
    expect((await state(blocked.id)).published_at).toBeNull();

    // While the broken row waits out its backoff, its customer's next event must not overtake it.
    expect(await harness.relay.relayBatch()).toMatchObject({ claimed: 1, published: 0, deferred: 1 });

    await sleep(250);
    expect(await harness.relay.relayBatch()).toMatchObject({ published: 0, failed: 1 });
    expect((await state(broken.id)).attempts).toBe(2);
    await sleep(450);
    expect(await harness.relay.relayBatch()).toMatchObject({ published: 0, failed: 1 });
    const deadLetter = await state(broken.id);
    expect(deadLetter.attempts).toBe(3);
    expect(deadLetter.dead_lettered_at).not.toBeNull();

    // A dead letter no longer holds its customer back.
    expect(await harness.relay.relayBatch()).toMatchObject({ claimed: 1, published: 1 });
    expect(await harness.relay.relayBatch()).toMatchObject({ claimed: 0 });
    await queue.waitFor(2, 5000);
    await queue.settle(200);
    expect(queue.received.map((m) => m.properties.messageId)).toEqual([other.id, blocked.id]);
    expect(
      analyseDeliveries(
        queue.received.map((m) => m.body),
        [blocked, other],
      ),
    ).toMatchObject({ lost: [], duplicates: 0, outOfOrder: [] });
    expect(await outboxCounts(dataSource)).toMatchObject({ published: 2, deadLettered: 1 });
  });

  it("sends a batch's messages to the broker in a few socket writes, not one per message", async () => {
    // No queue bound: the messages go to <exchange>.unrouted, and the only AMQP socket writing is the relay's.
    await insertOutboxRows(
      dataSource,
      Array.from({ length: 100 }, (_, i) => ({ customerId: String(i + 1), version: 1 })),
    );
    await harness.relay.relayBatch(); // the first batch may open the connection and declare the topology
    await insertOutboxRows(
      dataSource,
      Array.from({ length: 100 }, (_, i) => ({ customerId: String(i + 101), version: 1 })),
    );
    const amqpPort = Number(new URL(AMQP_URL).port || 5672);
    const socketWrites = [jest.spyOn(Socket.prototype, '_write'), jest.spyOn(Socket.prototype, '_writev')];
    try {
      const report = await harness.relay.relayBatch();

      expect(report).toMatchObject({ claimed: 100, published: 100, failed: 0 });
      const toBroker = socketWrites
        .flatMap((spy) => spy.mock.contexts as Socket[])
        .filter((socket) => socket.remotePort === amqpPort);
      expect(toBroker.length).toBeGreaterThan(0);
      expect(toBroker.length).toBeLessThanOrEqual(5); // one per message (100) without the coalescing
    } finally {
      for (const spy of socketWrites) spy.mockRestore();
    }
    expect(await outboxCounts(dataSource)).toMatchObject({ total: 200, published: 200 });
  });

  it('drains a backlog on its own once started: woken by a commit, polling as the safety net', async () => {
    const queue = await bind('customer.#');
    harness.relay.start(harness.signal);
    const rows = await insertOutboxRows(
      dataSource,
      Array.from({ length: 250 }, (_, i) => ({ customerId: String((i % 25) + 1), version: Math.floor(i / 25) + 1 })),
    );
    harness.signal.wake();

    await queue.waitFor(250, 10_000);
    await queue.settle(200);
    const analysis = analyseDeliveries(
      queue.received.map((m) => m.body),
      rows,
    );
    expect(analysis).toEqual({ lost: [], duplicates: 0, outOfOrder: [], unexpected: 0 });
    expect(await outboxCounts(dataSource)).toMatchObject({ total: 250, published: 250 });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
