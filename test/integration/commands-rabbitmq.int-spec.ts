/**
 * Commands over RabbitMQ against the real broker and MariaDB: at-least-once delivery with exactly-once effects
 * (duplicates, a crash between the commit and the ack), poison messages dead-lettered with their reason while the
 * queue keeps flowing, a command outliving a database outage through broker-side retries, request/reply, a race
 * with HTTP on one customer, the metrics and the trace context.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { CustomerCommandType } from '../../libs/contracts/src';
import { InboxRetention } from '../../libs/inbox/src';
import { dataSourceOptions, parseDatabaseUrl } from '../../libs/platform/src';
import { startService } from '../faults/support/service-process';
import { TcpProxy } from '../faults/support/tcp-proxy';
import { uniqueName } from '../support/amqp-test-queue';
import { aCommand, CommandSender, eventually } from '../support/command-sender';
import { aRegistration } from '../support/customer-bodies';
import { startTestApp, type TestApp } from '../support/test-app';

const AMQP_URL = process.env.AMQP_URL!;
const DATABASE_URL = process.env.DATABASE_URL!;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const FAST_RETRIES = {
  AMQP_COMMANDS_MAX_ATTEMPTS: '10',
  AMQP_COMMANDS_RETRY_BASE_MS: '200',
  AMQP_COMMANDS_RETRY_MAX_MS: '2000',
};
const DELAYS = [200, 400, 800, 1600, 2000];

async function counts(db: DataSource, email: string) {
  const [row] = await db.query(
    `SELECT (SELECT COUNT(*) FROM customers WHERE email = ?) AS customers,
            (SELECT COUNT(*) FROM outbox_messages o JOIN customers c ON o.aggregateid = c.id
              WHERE c.email = ? AND o.type = 'customerflow.customer.registered.v1') AS registered`,
    [email, email],
  );
  return { customers: Number(row.customers), registered: Number(row.registered) };
}

/** DATABASE_URL through a TCP proxy the test can cut (connections reset, new ones refused) and restore. */
async function databaseBehindProxy() {
  const target = new URL(DATABASE_URL);
  const proxy = new TcpProxy(43_000 + Math.floor(Math.random() * 4000), {
    host: target.hostname,
    port: Number(target.port || 3306),
  });
  await proxy.open();
  let open = true;
  const url = new URL(DATABASE_URL);
  url.host = `127.0.0.1:${proxy.port}`;
  return {
    url: url.toString(),
    async cut() {
      if (open) await proxy.cut();
      open = false;
    },
    async restore() {
      if (!open) await proxy.open();
      open = true;
    },
  };
}

function idInBody(body: string): string {
  try {
    return JSON.parse(body).id;
  } catch {
    return 'malformed';
  }
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return text
    .split('\n')
    .filter((line) => line.startsWith(name))
    .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
}

describe('commands over RabbitMQ', () => {
  let queue: string;
  let t: TestApp;
  let sender: CommandSender;

  beforeAll(async () => {
    queue = uniqueName('customerflow.commands.it');
    t = await startTestApp({ AMQP_COMMANDS_QUEUE: queue, ...FAST_RETRIES });
    sender = await CommandSender.open(AMQP_URL, queue);
    // The consumer declares its queues once connected.
    await eventually(
      () =>
        sender.messageCount(queue).then(
          () => true,
          () => false,
        ),
      (declared) => declared,
    );
  });

  afterAll(async () => {
    await t.close();
    await sender.deleteQueues(DELAYS.map((ms) => `${queue}.retry.${ms}ms`));
    await sender.close();
  });

  it('applies a register command delivered 5 times once: one customer, one outbox row, the rest acked as duplicates', async () => {
    const body = aRegistration();
    const command = aCommand(CustomerCommandType.register, { data: body });
    const duplicatesBefore = await metric(t.url, 'customerflow_commands_duplicate');
    const replies = [];
    for (let i = 0; i < 5; i++) {
      // The same CloudEvent (id + source), in both modes: the mode does not make it another command.
      replies.push(await sender.request(command, { mode: i % 2 === 0 ? 'structured' : 'binary' }));
    }
    expect(replies.map((r) => r.status)).toEqual([201, 409, 409, 409, 409]);
    expect(replies[0].body).toMatchObject({ email: String(body.email), status: 'active', version: 1 });
    const id = (replies[0].body as { id: string }).id;
    expect(replies[1].body).toMatchObject({ type: '/problems/duplicate-command', customerId: id });
    expect(await counts(t.dataSource, String(body.email))).toEqual({ customers: 1, registered: 1 });
    const inbox = await t.dataSource.query('SELECT * FROM inbox_messages WHERE message_id = ?', [command.id]);
    expect(inbox).toMatchObject([{ consumer: queue, source: command.source, resource_id: id }]);
    expect(await sender.messageCount(queue)).toBe(0);
    expect((await metric(t.url, 'customerflow_commands_duplicate')) - duplicatesBefore).toBe(4);
  });

  it('answers a request with the created customer, as POST would, and continues the sender trace to the event', async () => {
    const body = aRegistration();
    const traceparent = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
    const reply = await sender.request(aCommand(CustomerCommandType.register, { data: body, traceparent }));
    expect(reply.status).toBe(201);
    expect(reply.contentType).toBe('application/json');
    const { body: viaHttp } = await t
      .http()
      .get(`/v1/customers/${(reply.body as { id: string }).id}`)
      .expect(200);
    expect(reply.body).toEqual(viaHttp);
    const [row] = await t.dataSource.query('SELECT headers, payload FROM outbox_messages WHERE aggregateid = ?', [
      viaHttp.id,
    ]);
    expect(JSON.parse(row.headers).traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));
    expect(JSON.parse(row.payload).traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-`));
  });

  it('dead-letters each kind of poison message with its reason while the good message behind them is applied', async () => {
    const { body: taken } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
    const { body: erased } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
    await t.http().delete(`/v1/customers/${erased.id}`).expect(204);
    const poison: Array<[string, Parameters<CommandSender['send']>[0], Parameters<CommandSender['send']>[1], number]> =
      [
        ['malformed JSON', Buffer.from('{"specversion":'), {}, 400],
        [
          'not a CloudEvent',
          aCommand(CustomerCommandType.register, { specversion: undefined, data: aRegistration() }),
          {},
          400,
        ],
        ['unknown type', aCommand('customerflow.customer.merge.v1', { data: {} }), {}, 400],
        ['invalid data', aCommand(CustomerCommandType.register, { data: { name: 'No Email' } }), {}, 400],
        [
          'a taken email (409)',
          aCommand(CustomerCommandType.register, { data: aRegistration({ email: taken.email }) }),
          {},
          409,
        ],
        [
          'a stale version (412)',
          aCommand(CustomerCommandType.update, { subject: taken.id, data: { version: 7, patch: { name: 'Late' } } }),
          { mode: 'binary' },
          412,
        ],
        ['an unknown customer (404)', aCommand(CustomerCommandType.deactivate, { subject: '999999999' }), {}, 404],
        [
          'an erased customer (410)',
          aCommand(CustomerCommandType.update, { subject: erased.id, data: { version: 2, patch: { name: 'Back' } } }),
          {},
          410,
        ],
      ];
    for (const [, event, options] of poison) await sender.send(event, options);
    const good = aRegistration();
    const reply = await sender.request(aCommand(CustomerCommandType.register, { data: good }));
    expect(reply.status).toBe(201);

    const dead = await sender.waitForMessages(`${queue}.dlq`, poison.length);
    expect(dead).toHaveLength(poison.length);
    // Dead letters come in the order the consumer finished with them (it works on up to 16 at once): match by id.
    const problems = new Map(
      dead.map((message) => {
        const problem = JSON.parse(message.content.toString());
        expect(message.properties.contentType).toBe('application/problem+json');
        expect(problem).toMatchObject({
          type: message.properties.headers?.['x-problem-type'],
          status: message.properties.headers?.['x-problem-status'],
          attempts: 1,
        });
        const { body, headers } = problem.command;
        const id = headers['cloudEvents:id'] ?? idInBody(body);
        return [id, { problem, headers: message.properties.headers ?? {} }] as const;
      }),
    );
    const idOf = (event: unknown) => (Buffer.isBuffer(event) ? 'malformed' : (event as { id: string }).id);
    for (const [name, event, , status] of poison) {
      expect({ name, status: problems.get(idOf(event))?.problem.status }).toEqual({ name, status });
    }
    const problemOf = (index: number) => problems.get(idOf(poison[index][1]))!;
    expect(problemOf(0).problem.type).toBe('/problems/invalid-cloudevent');
    expect(problemOf(2).problem.type).toBe('/problems/unknown-command-type');
    expect(problemOf(3).problem.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ pointer: '/email' })]),
    );
    expect(problemOf(4).problem.code).toBe('CUSTOMER.EMAIL_TAKEN');
    expect(problemOf(4).headers).toMatchObject({
      'x-problem-code': 'CUSTOMER.EMAIL_TAKEN',
      'x-command-type': CustomerCommandType.register,
    });
    expect(problemOf(5).headers['x-problem-code']).toBe('CUSTOMER.VERSION_MISMATCH');
    expect(await counts(t.dataSource, String(good.email))).toEqual({ customers: 1, registered: 1 });
    expect((await t.http().get(`/v1/customers/${taken.id}`).expect(200)).body.name).toBe(taken.name);
  });

  it('lets one of a command and an HTTP request racing on one customer win, and gives the other 412', async () => {
    for (let round = 0; round < 3; round++) {
      const { body: customer } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
      const [http, message] = await Promise.all([
        t.http().patch(`/v1/customers/${customer.id}`).set('If-Match', '"1"').send({ name: 'By HTTP' }),
        sender.request(
          aCommand(CustomerCommandType.update, {
            subject: customer.id,
            data: { version: 1, patch: { name: 'By AMQP' } },
          }),
        ),
      ]);
      expect([http.status, message.status].sort()).toEqual([200, 412]);
      const { body: after } = await t.http().get(`/v1/customers/${customer.id}`).expect(200);
      expect(after.version).toBe(2);
      expect(after.name).toBe(http.status === 200 ? 'By HTTP' : 'By AMQP');
    }
  });

  it('runs the other commands through the same handlers: update, deactivate, reactivate, erase', async () => {
    const { body: customer } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
    const subject = customer.id;
    const update = await sender.request(
      aCommand(CustomerCommandType.update, { subject, data: { version: 1, patch: { phone: null } } }),
    );
    expect(update).toMatchObject({ status: 200, body: { phone: null, version: 2 } });
    expect(
      await sender.request(aCommand(CustomerCommandType.deactivate, { subject }), { mode: 'binary' }),
    ).toMatchObject({
      status: 200,
      body: { status: 'inactive', version: 3 },
    });
    expect(
      await sender.request(aCommand(CustomerCommandType.reactivate, { subject, data: { version: 3 } })),
    ).toMatchObject({
      status: 200,
      body: { status: 'active', version: 4 },
    });
    expect(await sender.request(aCommand(CustomerCommandType.erase, { subject, data: {} }))).toEqual({
      status: 204,
      contentType: undefined,
      body: undefined,
    });
    await t.http().get(`/v1/customers/${subject}`).expect(410);
    const types = await t.dataSource.query('SELECT type FROM outbox_messages WHERE aggregateid = ? ORDER BY position', [
      subject,
    ]);
    expect(types.map((r: { type: string }) => r.type)).toEqual([
      'customerflow.customer.registered.v1',
      'customerflow.customer.updated.v1',
      'customerflow.customer.deactivated.v1',
      'customerflow.customer.reactivated.v1',
      'customerflow.customer.erased.v1',
    ]);
  });
});

describe('inbox retention', () => {
  it('deletes inbox rows older than INBOX_RETENTION_HOURS, in batches, and keeps the younger ones', async () => {
    const t = await startTestApp({ AMQP_COMMANDS: 'off', INBOX_RETENTION_HOURS: '2' });
    try {
      const now = Date.now();
      const row = (id: string, hoursAgo: number) => [
        'retention-test',
        '/tests',
        id,
        CustomerCommandType.register,
        new Date(now - hoursAgo * 3_600_000).toISOString().replace('T', ' ').replace('Z', ''),
      ];
      const rows = [
        ...Array.from({ length: 1203 }, (_, i) => row(`old-${i}`, 3)),
        row('young-1', 1),
        row('young-2', 0),
      ];
      for (let i = 0; i < rows.length; i += 500) {
        const batch = rows.slice(i, i + 500);
        await t.dataSource.query(
          `INSERT INTO inbox_messages (consumer, source, message_id, type, received_at) VALUES ${batch.map(() => '(?, ?, ?, ?, ?)').join(', ')}`,
          batch.flat(),
        );
      }
      expect(await t.app.get(InboxRetention).purge(new Date(now))).toBe(1203);
      const left = await t.dataSource.query('SELECT message_id FROM inbox_messages ORDER BY message_id');
      expect(left).toEqual([{ message_id: 'young-1' }, { message_id: 'young-2' }]);
    } finally {
      await t.close();
    }
  });
});

describe('commands over RabbitMQ: failures', () => {
  let sender: CommandSender;
  let queue: string;
  let db: DataSource;

  beforeEach(async () => {
    queue = uniqueName('customerflow.commands.it');
    sender = await CommandSender.open(AMQP_URL, queue);
    db = new DataSource(dataSourceOptions(parseDatabaseUrl('DATABASE_URL', DATABASE_URL), { poolSize: 2 }));
    await db.initialize();
  });

  afterEach(async () => {
    await sender.deleteQueues(DELAYS.map((ms) => `${queue}.retry.${ms}ms`));
    await sender.close();
    await db.destroy();
  });

  it('applies a command sent while MariaDB is unreachable once it is back, through broker-side retries', async () => {
    const database = await databaseBehindProxy();
    const t = await startTestApp({ DATABASE_URL: database.url, AMQP_COMMANDS_QUEUE: queue, ...FAST_RETRIES });
    try {
      await eventually(
        () =>
          sender.messageCount(queue).then(
            () => true,
            () => false,
          ),
        (declared) => declared,
      );
      await database.cut();
      const body = aRegistration();
      const correlationId = randomUUID();
      await sender.send(aCommand(CustomerCommandType.register, { data: body }), { correlationId });
      // Retried while the database is away, and not applied.
      expect(
        await eventually(
          () => metric(t.url, 'customerflow_commands_retried'),
          (n) => n >= 2,
        ),
      ).toBeGreaterThanOrEqual(2);
      expect(await counts(db, String(body.email))).toEqual({ customers: 0, registered: 0 });
      await database.restore();
      const reply = await sender.reply(correlationId, 30_000);
      expect(reply.status).toBe(201);
      expect(await counts(db, String(body.email))).toEqual({ customers: 1, registered: 1 });
      expect(await sender.messageCount(`${queue}.dlq`)).toBe(0);
    } finally {
      await database.restore();
      await t.close();
      await database.cut();
    }
  });

  it('absorbs the redelivery of a command whose consumer was killed between the commit and the ack', async () => {
    const env = {
      DATABASE_URL,
      AMQP_URL,
      AMQP_COMMANDS_QUEUE: queue,
      OUTBOX_RELAY: 'off',
      AMQP_EXCHANGE: uniqueName('customerflow.events.it'),
    };
    const doomed = await startService(
      'api',
      { ...env, KILL_AT_COMMAND_ACK: '1' },
      { preload: require.resolve('../support/kill-at-command-ack.js') },
    );
    const body = aRegistration();
    const command = aCommand(CustomerCommandType.register, { data: body });
    await sender.send(command);
    await doomed.exited;
    expect(doomed.child.signalCode).toBe('SIGKILL');
    // Committed, but never acked: the broker still holds the message.
    expect(await counts(db, String(body.email))).toEqual({ customers: 1, registered: 1 });
    expect(await sender.messageCount(queue)).toBe(1);

    const api = await startService('api', env);
    try {
      expect(
        await eventually(
          () => sender.messageCount(queue),
          (n) => n === 0,
        ),
      ).toBe(0);
      expect(
        await eventually(
          () => metric(api.url, 'customerflow_commands_duplicate'),
          (n) => n === 1,
        ),
      ).toBe(1);
      expect(await counts(db, String(body.email))).toEqual({ customers: 1, registered: 1 });
      expect(await db.query('SELECT message_id FROM inbox_messages WHERE consumer = ?', [queue])).toEqual([
        { message_id: command.id },
      ]);
    } finally {
      await api.kill('SIGTERM');
    }
  });

  it('on SIGTERM stops taking commands first and finishes the ones in flight: none is redelivered, none lost', async () => {
    const env = {
      DATABASE_URL,
      AMQP_URL,
      AMQP_COMMANDS_QUEUE: queue,
      OUTBOX_RELAY: 'off',
      AMQP_EXCHANGE: uniqueName('customerflow.events.it'),
    };
    const first = await startService('api', env);
    await eventually(
      () =>
        sender.messageCount(queue).then(
          () => true,
          () => false,
        ),
      (declared) => declared,
    );
    const commands = Array.from({ length: 400 }, () =>
      aCommand(CustomerCommandType.register, { data: aRegistration() }),
    );
    await Promise.all(commands.map((command) => sender.send(command)));
    const applied = () => db.query('SELECT COUNT(*) AS n FROM inbox_messages WHERE consumer = ?', [queue]);
    await eventually(applied, ([row]: Array<{ n: number }>) => Number(row.n) >= 40);
    first.child.kill('SIGTERM');
    await first.exited;
    // Nest re-raises the signal after a graceful close; a SIGKILL would mean it hung.
    expect(first.child.signalCode ?? first.child.exitCode).not.toBe('SIGKILL');
    const [{ n: appliedByFirst }] = await applied();
    expect(Number(appliedByFirst)).toBeLessThan(commands.length);
    // Whatever the first process took, it finished and acked; the rest waits in the queue, untouched.
    // (The broker's count of a quorum queue settles a moment after the connection closed.)
    const left = commands.length - Number(appliedByFirst);
    expect(
      await eventually(
        () => sender.messageCount(queue),
        (n) => n === left,
        5000,
      ),
    ).toBe(left);

    const second = await startService('api', env);
    try {
      expect(
        await eventually(
          () => sender.messageCount(queue),
          (n) => n === 0,
        ),
      ).toBe(0);
      const [{ n: total }] = await eventually(
        applied,
        ([row]: Array<{ n: number }>) => Number(row.n) >= commands.length,
      );
      expect(Number(total)).toBe(commands.length);
      expect(await metric(second.url, 'customerflow_commands_duplicate')).toBe(0);
      const [{ customers }] = await db.query(
        `SELECT COUNT(*) AS customers FROM customers WHERE email IN (${commands.map(() => '?').join(', ')})`,
        commands.map((c) => (c.data as { email: string }).email),
      );
      expect(Number(customers)).toBe(commands.length);
    } finally {
      await second.kill('SIGTERM');
    }
  });

  it('holds commands back while customer writes are paused by the feature flag, and applies them once resumed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'customerflow-flags-'));
    const flags = join(dir, 'flags.json');
    writeFileSync(flags, JSON.stringify({ 'customer-writes': false }));
    const t = await startTestApp({ AMQP_COMMANDS_QUEUE: queue, FEATURE_FLAGS_FILE: flags, ...FAST_RETRIES });
    try {
      await eventually(
        () =>
          sender.messageCount(queue).then(
            () => true,
            () => false,
          ),
        (declared) => declared,
      );
      const body = aRegistration();
      const correlationId = randomUUID();
      await sender.send(aCommand(CustomerCommandType.register, { data: body }), { correlationId });
      expect(
        await eventually(
          () => metric(t.url, 'customerflow_commands_retried'),
          (n) => n >= 2,
        ),
      ).toBeGreaterThanOrEqual(2);
      expect(await counts(db, String(body.email))).toEqual({ customers: 0, registered: 0 });
      writeFileSync(flags, JSON.stringify({ 'customer-writes': true }));
      expect((await sender.reply(correlationId, 30_000)).status).toBe(201);
      expect(await counts(db, String(body.email))).toEqual({ customers: 1, registered: 1 });
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('dead-letters a transient failure after AMQP_COMMANDS_MAX_ATTEMPTS', async () => {
    const database = await databaseBehindProxy();
    const t = await startTestApp({
      DATABASE_URL: database.url,
      AMQP_COMMANDS_QUEUE: queue,
      AMQP_COMMANDS_MAX_ATTEMPTS: '3',
      AMQP_COMMANDS_RETRY_BASE_MS: '200',
      AMQP_COMMANDS_RETRY_MAX_MS: '400',
    });
    try {
      await eventually(
        () =>
          sender.messageCount(queue).then(
            () => true,
            () => false,
          ),
        (declared) => declared,
      );
      await database.cut();
      await sender.send(aCommand(CustomerCommandType.register, { data: aRegistration() }));
      const [dead] = await sender.waitForMessages(`${queue}.dlq`, 1, 30_000);
      expect(dead.properties.headers).toMatchObject({ 'x-problem-status': 503, 'x-attempts': 3 });
      expect(JSON.parse(dead.content.toString()).detail).toMatch(/Gave up after 3 attempts/);
    } finally {
      await database.restore();
      await t.close();
      await database.cut();
    }
  });
});
