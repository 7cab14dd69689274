/**
 * The standalone relay (`apps/customerflow-relay`, a real child process) as an operator watches it: `GET /metrics`
 * serves the outbox gauges and this relay's counters, and every line it logs is JSON (its stdout is a pipe here,
 * as under Kubernetes or docker-compose), like the API's.
 */
import type { DataSource } from 'typeorm';
import { AmqpTestQueue, declareTestExchange, deleteTestTopology } from '../support/amqp-test-queue';
import { emptyOutbox, openOutboxTestDatabase, outboxTestDatabaseUrl } from '../support/relay-database';
import { insertOutboxRows, interleavedHistory } from '../support/relay-fixtures';
import { type RelayProcess, startRelayProcess } from '../support/relay-process';

const AMQP_URL = process.env.AMQP_URL!;

let dataSource: DataSource;
let exchange: string;
let queue: AmqpTestQueue;
let relay: RelayProcess;

beforeAll(async () => {
  dataSource = await openOutboxTestDatabase();
  await emptyOutbox(dataSource);
  exchange = await declareTestExchange(AMQP_URL);
  queue = await AmqpTestQueue.bound(AMQP_URL, exchange, 'customer.#');
  relay = await startRelayProcess({
    DATABASE_URL: outboxTestDatabaseUrl(),
    AMQP_URL,
    AMQP_EXCHANGE: exchange,
    OUTBOX_POLL_MS: '50',
    LOG_LEVEL: 'debug',
    NODE_ENV: 'development',
  });
});

afterAll(async () => {
  await relay?.stop();
  await queue?.delete().catch(() => undefined);
  await deleteTestTopology(AMQP_URL, exchange);
  await dataSource?.destroy();
});

async function scrape(): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${relay.port}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

/** The value of the sample of `name` whose labels include `label` (any sample of it without one). */
function sample(metrics: string, name: string, label = ''): number | undefined {
  const line = metrics.split('\n').find((l) => /^[^ {]+/.exec(l)?.[0] === name && l.includes(label));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

it('exports the backlog and its own published counter at /metrics', async () => {
  await dataSource.transaction((manager) => insertOutboxRows(manager, interleavedHistory(10, 3)));
  await queue.waitFor(30, 30_000);

  // Counters and gauges are read at scrape time; the last marks may commit a moment after the broker delivered.
  const settled = (m: string) =>
    sample(m, 'customerflow_outbox_relayed_total', 'outcome="published"') === 30 &&
    sample(m, 'customerflow_outbox_pending') === 0;
  let metrics = await scrape();
  for (let i = 0; i < 100 && !settled(metrics); i++) {
    await new Promise((r) => setTimeout(r, 100));
    metrics = await scrape();
  }
  expect(sample(metrics, 'customerflow_outbox_relayed_total', 'outcome="published"')).toBe(30);
  expect(sample(metrics, 'customerflow_outbox_pending')).toBe(0);
  expect(sample(metrics, 'customerflow_outbox_dead_letters')).toBe(0);
  expect(metrics).toMatch(/^process_cpu_utilization/m);
});

it('logs JSON lines only, with pino levels, when stdout is not a terminal', () => {
  const lines = relay.output
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '');
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) {
    const entry = JSON.parse(line);
    expect(entry).toEqual(expect.objectContaining({ level: expect.any(Number), time: expect.any(Number) }));
  }
  expect(lines.some((line) => /relay started: rabbitmq transport/.test(line))).toBe(true);
});
