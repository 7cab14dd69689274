/**
 * Wake-ups across processes, as deployed on Kubernetes: an API that does not relay (OUTBOX_RELAY=off) and a relay
 * process of its own, both real child processes on MariaDB/MySQL and RabbitMQ. The relay polls only once a minute
 * here, so an event that leaves within a second of its 201 left because the API woke the relay.
 */
import type { DataSource } from 'typeorm';
import { type ServiceProcess, sleep, startService } from '../faults/support/service-process';
import { AmqpTestQueue, declareTestExchange, deleteTestTopology } from '../support/amqp-test-queue';
import { aRegistration } from '../support/customer-bodies';
import { freePort } from '../support/private-database-server';
import { emptyOutbox, openOutboxTestDatabase, outboxTestDatabaseUrl } from '../support/relay-database';
import { type RelayProcess, startRelayProcess } from '../support/relay-process';

const AMQP_URL = process.env.AMQP_URL!;
const POLL_MS = '60000';

let dataSource: DataSource;
let exchange: string;
let queue: AmqpTestQueue;
let relay: RelayProcess;
let api: ServiceProcess | undefined;

beforeAll(async () => {
  dataSource = await openOutboxTestDatabase();
  await emptyOutbox(dataSource);
  exchange = await declareTestExchange(AMQP_URL);
  queue = await AmqpTestQueue.bound(AMQP_URL, exchange, 'v2.customer.registered');
  relay = await startRelayProcess({
    DATABASE_URL: outboxTestDatabaseUrl(),
    AMQP_URL,
    AMQP_EXCHANGE: exchange,
    OUTBOX_POLL_MS: POLL_MS,
    LOG_LEVEL: 'info',
  });
  // The relay binds its wake-up queue right after start-up; a wake-up sent before that would be lost.
  const deadline = Date.now() + 10_000;
  while (!relay.output.join('').includes('listening to wake-ups') && Date.now() < deadline) await sleep(50);
  expect(relay.output.join('')).toContain(`listening to wake-ups on ${exchange}.wakeups`);
});

afterEach(async () => {
  await api?.kill('SIGTERM');
  api = undefined;
});

afterAll(async () => {
  await relay?.stop();
  await emptyOutbox(dataSource); // the row the last test's relay never heard of
  await queue?.delete().catch(() => undefined);
  await deleteTestTopology(AMQP_URL, exchange);
  await dataSource?.destroy();
});

const startApi = async (wakeups: 'on' | 'off') =>
  startService(
    'api',
    {
      DATABASE_URL: outboxTestDatabaseUrl(),
      AMQP_URL,
      AMQP_EXCHANGE: exchange,
      AMQP_COMMANDS: 'off',
      OUTBOX_RELAY: 'off',
      OUTBOX_WAKEUPS: wakeups,
      OUTBOX_POLL_MS: POLL_MS,
    },
    { port: await freePort() },
  );

async function register(service: ServiceProcess): Promise<{ id: string; answeredAt: number }> {
  const response = await fetch(`${service.url}/v1/customers`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(aRegistration()),
  });
  expect(response.status).toBe(201);
  const { id } = (await response.json()) as { id: string };
  return { id, answeredAt: Date.now() };
}

/** When the event of customer `id` arrived, waiting up to `timeoutMs`; null if it did not. */
async function deliveredAt(id: string, timeoutMs: number): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (queue.received.some((m) => JSON.parse(m.body).subject === id)) return Date.now();
    if (Date.now() > deadline) return null;
    await sleep(5);
  }
}

it('an API with OUTBOX_RELAY=off wakes the relay process: each event leaves within a second, not at the next poll', async () => {
  api = await startApi('on');
  const latencies: number[] = [];
  for (let i = 0; i < 20; i++) {
    const { id, answeredAt } = await register(api);
    const at = await deliveredAt(id, 5000);
    expect(at).not.toBeNull();
    latencies.push(at! - answeredAt);
  }
  process.stdout.write(`201 -> delivery with wake-ups, ms: ${latencies.join(', ')}\n`);
  expect(Math.max(...latencies)).toBeLessThan(1000);
});

it('with OUTBOX_WAKEUPS=off the relay only learns of the row at its next poll (the check above can fail)', async () => {
  api = await startApi('off');
  const { id } = await register(api);
  expect(await deliveredAt(id, 3000)).toBeNull();
});
