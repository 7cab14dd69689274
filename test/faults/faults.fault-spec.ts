/**
 * The fault suite (`npm run test:faults`): does CustomerFlow ever lose an event a client saw acknowledged? Each
 * scenario runs the compiled service as real processes against MariaDB and RabbitMQ, breaks something for real
 * (SIGKILL, a broker outage, a crash between the broker's ack and the database mark, competing relays, a database
 * that becomes unreachable, the commands consumer killed mid-stream), and then accounts for every registration: lost and unexpected must be 0; duplicates are
 * allowed by the at-least-once contract and reported.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { dataSourceOptions, parseDatabaseUrl } from '../../libs/platform/src';
import { CustomerCommandType } from '../../libs/contracts/src';
import { aCommand, CommandSender, eventually } from '../support/command-sender';
import { cleanDatabase } from '../support/database-cleaner';
import { duplicates, formatLedgers, type Ledger, registrationLedger } from './support/accounting';
import { EventSubscriber } from './support/event-subscriber';
import { type Attempt, runRegistrationLoad } from './support/registration-load';
import { type ServiceProcess, sleep, type StartOptions, startService } from './support/service-process';
import { TcpProxy } from './support/tcp-proxy';

const exec = promisify(execFile);
const DATABASE_URL = process.env.DATABASE_URL!;
const AMQP_URL = process.env.AMQP_URL!;
const ledgers: Ledger[] = [];
let db: DataSource;

beforeAll(async () => {
  db = new DataSource(dataSourceOptions(parseDatabaseUrl('DATABASE_URL', DATABASE_URL), { poolSize: 2 }));
  await db.initialize();
});

afterAll(async () => {
  await db.destroy();
  process.stdout.write(`\nFault suite ledger (lost and unexpected must be 0)\n${formatLedgers(ledgers)}\n\n`);
});

/** A fresh database and a private exchange + subscriber queue for one scenario. */
async function scenario(name: string) {
  await cleanDatabase(db);
  const exchange = `customerflow.faults.${name}.${randomUUID().slice(0, 8)}`;
  const subscriber = await EventSubscriber.start(AMQP_URL, exchange, `${exchange}.subscriber`);
  const env = { DATABASE_URL, AMQP_URL, AMQP_EXCHANGE: exchange, OUTBOX_POLL_MS: '200' };
  const processes: ServiceProcess[] = [];
  return {
    env,
    subscriber,
    processes,
    async start(kind: 'api' | 'relay', extra: Record<string, string> = {}, options: StartOptions = {}) {
      const service = await startService(kind, { ...env, ...extra }, options);
      processes.push(service);
      return service;
    },
    async cleanUp() {
      await Promise.all(processes.map((p) => p.kill('SIGKILL')));
      await subscriber.stop();
      await exec('rabbitmqctl', ['delete_queue', `${exchange}.unrouted`]).catch(() => undefined);
    },
  };
}

function deliveredAll(subscriber: EventSubscriber, attempts: readonly Attempt[]): () => boolean {
  return () => {
    const delivered = new Set(subscriber.deliveries.map((d) => d.subject));
    return attempts.every((a) => a.status !== 201 || delivered.has(a.customerId!));
  };
}

function statusCounts(attempts: readonly Attempt[]): string {
  const counts = new Map<string, number>();
  for (const a of attempts) counts.set(String(a.status), (counts.get(String(a.status)) ?? 0) + 1);
  return [...counts].map(([status, n]) => `${status}:${n}`).join(' ');
}

it('1. the API killed with SIGKILL 3 times during 2,000 registrations loses nothing acknowledged', async () => {
  const s = await scenario('api-kill');
  try {
    let api = await s.start('api', { OUTBOX_RELAY: 'inprocess' });
    const port = api.port;
    const killAt = [500, 1000, 1500];
    // Assigned from the progress callback, which TypeScript's narrowing does not follow: hence the assertion.
    let restarting = null as Promise<void> | null;
    let restartInProgress = false;
    const attempts = await runRegistrationLoad({
      count: 2000,
      concurrency: 16,
      baseUrl: () => api.url,
      onProgress: (done) => {
        if (killAt.length === 0 || done < killAt[0] || restartInProgress) return;
        killAt.shift();
        restartInProgress = true;
        restarting = (async () => {
          await api.kill('SIGKILL');
          api = await s.start('api', { OUTBOX_RELAY: 'inprocess' }, { port });
          restartInProgress = false;
        })();
      },
    });
    await restarting;
    expect(killAt).toEqual([]);
    expect(await s.subscriber.waitFor(deliveredAll(s.subscriber, attempts), 60_000)).toBe(true);
    const ledger = registrationLedger('API SIGKILL x3', attempts, s.subscriber.deliveries, statusCounts(attempts));
    ledgers.push(ledger);
    expect(ledger.acknowledged).toBeGreaterThan(1000);
    expect(ledger.lost).toBe(0);
    expect(ledger.unexpected).toBe(0);
  } finally {
    await s.cleanUp();
  }
});

it('2. RabbitMQ stopped for 10 s during load: every registration is accepted and delivered once it is back', async () => {
  const s = await scenario('broker-stop');
  let brokerStopped = false;
  try {
    const api = await s.start('api', { OUTBOX_RELAY: 'inprocess' });
    // Assigned from the progress callback, which TypeScript's narrowing does not follow: hence the assertion.
    let outage = null as Promise<void> | null;
    const attempts = await runRegistrationLoad({
      count: 1000,
      concurrency: 8,
      pauseMs: 120,
      baseUrl: () => api.url,
      onProgress: (done) => {
        if (done < 150 || outage) return;
        outage = (async () => {
          await exec('rabbitmqctl', ['stop_app']);
          brokerStopped = true;
          await sleep(10_000);
          await exec('rabbitmqctl', ['start_app']);
          brokerStopped = false;
        })();
      },
    });
    await outage;
    expect(attempts.every((a) => a.status === 201)).toBe(true);
    expect(await s.subscriber.waitFor(deliveredAll(s.subscriber, attempts), 90_000)).toBe(true);
    const ledger = registrationLedger(
      'RabbitMQ stopped 10 s',
      attempts,
      s.subscriber.deliveries,
      statusCounts(attempts),
    );
    ledgers.push(ledger);
    expect(ledger.lost).toBe(0);
    expect(ledger.unexpected).toBe(0);
  } finally {
    if (brokerStopped) await exec('rabbitmqctl', ['start_app']).catch(() => undefined);
    await s.cleanUp();
  }
});

it('3. a relay killed between the broker ack and the database mark duplicates but never loses', async () => {
  const s = await scenario('relay-crash');
  try {
    const api = await s.start('api', { OUTBOX_RELAY: 'off' });
    const attempts = await runRegistrationLoad({ count: 600, concurrency: 16, baseUrl: () => api.url });
    const preload = join(__dirname, 'support', 'crash-after-ack.js');
    let crashes = 0;
    for (const acks of [40, 95, 150]) {
      const relay = await s.start(
        'relay',
        { OUTBOX_BATCH_SIZE: '50', CRASH_AFTER_ACKS: String(acks) },
        { preload, waitUntilLive: false },
      );
      const exit = await Promise.race([relay.exited.then(() => 'crashed'), sleep(30_000).then(() => 'still running')]);
      if (exit === 'crashed' && relay.child.signalCode === 'SIGKILL') crashes += 1;
    }
    expect(crashes).toBe(3);
    await s.start('relay', { OUTBOX_BATCH_SIZE: '50' });
    expect(await s.subscriber.waitFor(deliveredAll(s.subscriber, attempts), 60_000)).toBe(true);
    const ledger = registrationLedger(
      'relay SIGKILL after ack x3',
      attempts,
      s.subscriber.deliveries,
      `${crashes} crashes`,
    );
    ledgers.push(ledger);
    expect(ledger.lost).toBe(0);
    expect(ledger.unexpected).toBe(0);
  } finally {
    await s.cleanUp();
  }
});

it('4. three relays on one backlog keep per-customer order without duplicates', async () => {
  const s = await scenario('three-relays');
  try {
    const api = await s.start('api', { OUTBOX_RELAY: 'off' });
    const attempts = await runRegistrationLoad({ count: 150, concurrency: 10, baseUrl: () => api.url });
    const customers = attempts.filter((a) => a.status === 201).map((a) => a.customerId!);
    // Five changes per customer, one after the other (each needs the previous ETag); customers in parallel.
    const queue = [...customers];
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        for (let id = queue.shift(); id; id = queue.shift()) {
          for (let version = 1; version <= 5; version++) {
            const response = await fetch(`${api.url}/v1/customers/${id}`, {
              method: 'PATCH',
              headers: { 'content-type': 'application/merge-patch+json', 'if-match': `"${version}"` },
              body: JSON.stringify({ name: `Fault Test v${version + 1}` }),
            });
            expect(response.status).toBe(200);
          }
        }
      }),
    );
    const [{ backlog }] = await db.query('SELECT COUNT(*) AS backlog FROM outbox_messages WHERE published_at IS NULL');
    expect(Number(backlog)).toBe(customers.length * 6);
    await Promise.all([1, 2, 3].map(() => s.start('relay', { OUTBOX_BATCH_SIZE: '20' })));
    expect(
      await s.subscriber.waitFor(
        () => new Set(s.subscriber.deliveries.map((d) => d.eventId)).size >= customers.length * 6,
        60_000,
      ),
    ).toBe(true);
    const bySubject = new Map<string, number[]>();
    for (const d of s.subscriber.deliveries)
      bySubject.set(d.subject, [...(bySubject.get(d.subject) ?? []), d.sequence]);
    const outOfOrder = [...bySubject.values()].filter((seq) => seq.some((n, i) => i > 0 && n <= seq[i - 1])).length;
    const ledger = registrationLedger(
      '3 relays, 900-row backlog',
      attempts,
      s.subscriber.deliveries,
      `${outOfOrder} customers out of order`,
    );
    ledgers.push(ledger);
    expect(outOfOrder).toBe(0);
    expect(duplicates(s.subscriber.deliveries)).toBe(0);
    expect(ledger.lost).toBe(0);
    expect(ledger.unexpected).toBe(0);
  } finally {
    await s.cleanUp();
  }
});

it('5. MariaDB unreachable for a while: 503s meanwhile, no half-written customer, recovery without restart', async () => {
  const s = await scenario('database-cut');
  const target = new URL(DATABASE_URL);
  // Below the ephemeral range, as the services' ports (support/service-process.ts): it is opened again after each cut.
  const proxy = new TcpProxy(31_000 + Math.floor(Math.random() * 1000), {
    host: target.hostname,
    port: Number(target.port || 3306),
  });
  await proxy.open();
  try {
    const proxied = new URL(DATABASE_URL);
    proxied.port = String(proxy.port);
    const api = await s.start('api', { OUTBOX_RELAY: 'inprocess', DATABASE_URL: proxied.toString() });
    // Assigned from the progress callback, which TypeScript's narrowing does not follow: hence the assertion.
    let outage = null as Promise<void> | null;
    const attempts = await runRegistrationLoad({
      count: 1200,
      concurrency: 8,
      pauseMs: 15,
      baseUrl: () => api.url,
      onProgress: (done) => {
        if (done < 300 || outage) return;
        outage = (async () => {
          await proxy.cut();
          await sleep(5000);
          await proxy.open();
        })();
      },
    });
    await outage;
    const counts = statusCounts(attempts);
    process.stdout.write(`database cut: ${counts}\n`);
    expect(attempts.filter((a) => a.status === 503).length).toBeGreaterThan(0);
    expect(attempts.filter((a) => a.status === 500 || a.status === 'error').length).toBe(0);
    expect(attempts.slice(-100).every((a) => a.status === 201)).toBe(true);
    expect(await s.subscriber.waitFor(deliveredAll(s.subscriber, attempts), 60_000)).toBe(true);
    const [{ orphans }] = await db.query(
      `SELECT COUNT(*) AS orphans FROM customers c WHERE NOT EXISTS
         (SELECT 1 FROM outbox_messages o WHERE o.aggregateid = c.id AND o.type = 'customerflow.customer.registered.v1')`,
    );
    expect(Number(orphans)).toBe(0);
    const ledger = registrationLedger('MariaDB unreachable 5 s', attempts, s.subscriber.deliveries, counts);
    ledgers.push(ledger);
    expect(ledger.lost).toBe(0);
    expect(ledger.unexpected).toBe(0);
  } finally {
    await proxy.cut();
    await s.cleanUp();
  }
});

it('6. 2,000 register commands over RabbitMQ with the API killed by SIGKILL 3 times: one customer and one event each', async () => {
  const s = await scenario('commands-kill');
  const queue = `${s.env.AMQP_EXCHANGE}.commands`;
  const sender = await CommandSender.open(AMQP_URL, queue);
  try {
    const env = { OUTBOX_RELAY: 'inprocess', AMQP_COMMANDS_QUEUE: queue };
    let api = await s.start('api', env);
    const port = api.port;
    // The queue must exist before anything is published to it through the default exchange.
    await eventually(
      () =>
        sender.messageCount(queue).then(
          () => true,
          () => false,
        ),
      (declared) => declared,
      30_000,
    );
    const commands = Array.from({ length: 2000 }, () =>
      aCommand(CustomerCommandType.register, {
        source: '/faults/crm-export',
        data: { name: 'Fault Test', email: `fault.${randomUUID()}@example.com` },
      }),
    );
    // Published with confirms, in batches, while a watcher kills the API as the customers pile up.
    const publishing = (async () => {
      for (let i = 0; i < commands.length; i += 100) {
        await Promise.all(commands.slice(i, i + 100).map((command) => sender.send(command)));
      }
    })();
    const customersNow = async () => Number((await db.query('SELECT COUNT(*) AS n FROM customers'))[0].n);
    let kills = 0;
    for (const threshold of [400, 900, 1400]) {
      await eventually(customersNow, (n) => n >= threshold, 120_000);
      await api.kill('SIGKILL');
      kills += 1;
      api = await s.start('api', env, { port });
    }
    await publishing;
    expect(await eventually(customersNow, (n) => n >= commands.length, 120_000)).toBe(commands.length);
    expect(
      await eventually(
        () => sender.messageCount(queue),
        (n) => n === 0,
        60_000,
      ),
    ).toBe(0);
    const emails = new Set(commands.map((c) => (c.data as { email: string }).email));
    const rows: Array<{ email: string; customers: number; registered: number }> = await db.query(
      `SELECT c.email, COUNT(DISTINCT c.id) AS customers, COUNT(o.id) AS registered FROM customers c
         LEFT JOIN outbox_messages o ON o.aggregateid = c.id AND o.type = 'customerflow.customer.registered.v1'
        GROUP BY c.email`,
    );
    const exactlyOnce = rows.filter(
      (r) => emails.has(r.email) && Number(r.customers) === 1 && Number(r.registered) === 1,
    );
    expect(rows).toHaveLength(commands.length);
    expect(exactlyOnce).toHaveLength(commands.length);
    const [{ inbox }] = await db.query('SELECT COUNT(*) AS inbox FROM inbox_messages WHERE consumer = ?', [queue]);
    expect(Number(inbox)).toBe(commands.length);
    expect(await sender.messageCount(`${queue}.dlq`)).toBe(0);
    const deliveredEmails = () =>
      new Set(s.subscriber.deliveries.filter((d) => d.email && emails.has(d.email)).map((d) => d.email));
    expect(await s.subscriber.waitFor(() => deliveredEmails().size === emails.size, 60_000)).toBe(true);
    const registered = s.subscriber.deliveries.filter((d) => d.type === 'customerflow.customer.registered.v1');
    const ledger: Ledger = {
      scenario: 'commands, API SIGKILL x3',
      attempts: commands.length,
      acknowledged: commands.length,
      delivered: deliveredEmails().size,
      lost: [...emails].filter((email) => !deliveredEmails().has(email)).length,
      unexpected: registered.filter((d) => !d.email || !emails.has(d.email)).length,
      duplicated: duplicates(s.subscriber.deliveries),
      notes: `${kills} kills; every command published with a confirm; 1 customer + 1 outbox row each`,
    };
    ledgers.push(ledger);
    expect(kills).toBe(3);
    expect(ledger.lost).toBe(0);
    expect(ledger.unexpected).toBe(0);
  } finally {
    await s.cleanUp();
    await sender.deleteQueues(
      [1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000].map((ms) => `${queue}.retry.${ms}ms`),
    );
    await sender.close();
  }
});
