/**
 * RabbitMQ goes away (`rabbitmqctl stop_app`) while events keep being committed, then comes back: the relay pauses
 * instead of burning the rows' attempts, reconnects by itself, and every event arrives. The broker is always
 * started again, even when the test fails.
 */
import { execFileSync } from 'node:child_process';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { TransportUnavailableError } from '../../libs/outbox/src';
import { AmqpTestQueue, deleteTestTopology, uniqueName } from '../support/amqp-test-queue';
import { emptyOutbox, openOutboxTestDatabase, outboxCounts } from '../support/relay-database';
import { analyseDeliveries, insertOutboxRows, type InsertedRow, interleavedHistory } from '../support/relay-fixtures';
import { inProcessRelay, type InProcessRelay } from '../support/relay-in-process';

// The relay logs every batch at debug level; keep the suite's output to what a reader needs.
Logger.overrideLogger(['fatal', 'error', 'warn', 'log']);

const AMQP_URL = process.env.AMQP_URL!;
const log = new Logger('outbox-broker-outage');

function rabbitmqctl(command: 'stop_app' | 'start_app' | 'await_startup'): void {
  execFileSync('rabbitmqctl', [command], { stdio: 'ignore', timeout: 60_000 });
}

describe('outbox relay through a broker outage', () => {
  let dataSource: DataSource;
  let exchange: string;
  let harness: InProcessRelay;
  let queue: AmqpTestQueue;

  beforeAll(async () => {
    dataSource = await openOutboxTestDatabase();
    await emptyOutbox(dataSource);
    exchange = uniqueName('customerflow.events.it');
    harness = await inProcessRelay(dataSource, {
      exchange,
      claim: 'skip-locked',
      pollMs: 200,
      unavailableBackoff: { baseMs: 100, maxMs: 2000, jitter: 0.2 },
    });
    await harness.transport.check();
    queue = await AmqpTestQueue.bound(AMQP_URL, exchange, 'customer.#');
  });

  afterAll(async () => {
    await harness?.close();
    await queue?.delete().catch(() => undefined);
    await deleteTestTopology(AMQP_URL, exchange).catch(() => undefined);
    await dataSource?.destroy();
  });

  it('keeps every event committed while RabbitMQ is down and delivers it once RabbitMQ is back', async () => {
    harness.relay.start(harness.signal);
    const before = await insertOutboxRows(dataSource, interleavedHistory(20, 5, 1));
    harness.signal.wake();
    await queue.waitFor(before.length, 10_000);
    await queue.settle(300); // let the test consumer's acks reach the broker before it stops

    const during: InsertedRow[] = [];
    let stoppedAt: number;
    let startedAt: number;
    try {
      rabbitmqctl('stop_app');
      stoppedAt = Date.now();
      // The health check reports the outage as soon as the client has seen the connection close.
      expect(await checkFailsWithin(harness, 5000)).toBeInstanceOf(TransportUnavailableError);
      // Commits only touch the database: they go on, each waking the relay, which must neither fail them nor
      // spend the rows' attempts.
      for (let customer = 0; customer < 1000; customer += 50) {
        during.push(...(await insertOutboxRows(dataSource, interleavedHistory(50, 1, 1000 + customer))));
        harness.signal.wake();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await outboxCounts(dataSource)).toMatchObject({
        published: before.length,
        withAttempts: 0,
        deadLettered: 0,
      });
    } finally {
      rabbitmqctl('start_app');
      rabbitmqctl('await_startup');
      startedAt = Date.now();
    }

    await queue.reconnect();
    await queue.waitFor(before.length + during.length, 60_000);
    const recoveredMs = Date.now() - startedAt;
    await queue.settle(500);

    const analysis = analyseDeliveries(
      queue.received.map((m) => m.body),
      [...before, ...during],
    );
    // The broker redelivers to the test's own consumer whatever it had delivered but not yet seen acked when it
    // stopped; those are not the relay's duplicates.
    const published = analyseDeliveries(
      queue.received.filter((m) => !m.redelivered).map((m) => m.body),
      [...before, ...during],
    );
    log.log(
      `broker down ${startedAt - stoppedAt} ms with ${during.length} rows committed meanwhile; all delivered ` +
        `${recoveredMs} ms after it was back; lost ${analysis.lost.length}, published twice ${published.duplicates}, ` +
        `redelivered to the consumer ${queue.received.filter((m) => m.redelivered).length}`,
    );
    expect(analysis.lost).toEqual([]);
    expect(analysis.outOfOrder).toEqual([]);
    expect(published.duplicates).toBe(0);
    expect(await outboxCounts(dataSource)).toMatchObject({
      total: 1100,
      published: 1100,
      withAttempts: 0,
      deadLettered: 0,
    });
    await expect(harness.transport.check()).resolves.toBeUndefined();
  }, 120_000);
});

async function checkFailsWithin(harness: InProcessRelay, timeoutMs: number): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await harness.transport.check();
    } catch (error) {
      return error;
    }
    if (Date.now() > deadline) return null;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
