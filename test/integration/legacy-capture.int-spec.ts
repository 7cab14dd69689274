/**
 * Legacy writes announced (npm run legacy:capture), on MariaDB and RabbitMQ: the capture triggers installed on the
 * legacy clientes/enderecos schema, a legacy writer (plain mysql2, no CustomerFlow session marker) changing rows
 * while the API changes the same customers, and a RabbitMQ subscriber behind the real relay receiving everything in
 * order per customer, each event valid against the contract's schemas, each API change exactly once.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCustomerEventValidator } from '../../libs/contracts/src/testing';
import { AmqpTestQueue, declareTestTopology, deleteTestTopology, uniqueName } from '../support/amqp-test-queue';
import { aRegistration } from '../support/customer-bodies';
import {
  createLegacyDatabase,
  dbCheck,
  FIXTURES,
  type LegacyDatabase,
  migrationRun,
  runCli,
} from '../support/legacy-database';
import { startTestApp, type TestApp } from '../support/test-app';

const AMQP_URL = process.env.AMQP_URL!;
const validate = createCustomerEventValidator();
const CLIENTES_MAP = join(FIXTURES, 'clientes.map.json');
const capture = (action: string, env: Record<string, string>) =>
  runCli(['dist/apps/customerflow-api/src/legacy-capture.js', action], env);

interface Event {
  id: string;
  type: string;
  subject: string;
  sequence: string;
  data: Record<string, any>;
}

const eventsOf = (queue: AmqpTestQueue, id: string) =>
  queue.received.map((m) => JSON.parse(m.body) as Event).filter((e) => e.subject === id);
/** `3 updated`: the sequence and the short type, as the order assertions read them. */
const sequenceAndType = (e: Event) => `${e.sequence} ${e.type.replace(/^customerflow\.customer\.|\.v1$/g, '')}`;
const expectEachValid = (events: readonly Event[]) => {
  for (const event of events)
    expect({ id: event.id, ...validate(event) }).toEqual({ id: event.id, valid: true, errors: [] });
};
const etagOf = async (t: TestApp, id: string) => (await t.http().get(`/v1/customers/${id}`).expect(200)).headers.etag;
/** A PATCH through the API with the customer's current ETag, as a client that just read it sends it. */
const patchCurrent = async (t: TestApp, id: string, body: Record<string, unknown>) =>
  t
    .http()
    .patch(`/v1/customers/${id}`)
    .set('If-Match', await etagOf(t, id))
    .send(body)
    .expect(200);

/** A fresh exchange with the service's topology and a queue bound to every customer event. */
async function subscribedExchange(name: string): Promise<{ exchange: string; queue: AmqpTestQueue }> {
  const exchange = uniqueName(name);
  await declareTestTopology(AMQP_URL, exchange);
  return { exchange, queue: await AmqpTestQueue.bound(AMQP_URL, exchange, 'customer.#') };
}

async function unsubscribe(queue: AmqpTestQueue | undefined, exchange: string | undefined): Promise<void> {
  await queue?.delete();
  if (exchange) await deleteTestTopology(AMQP_URL, exchange);
}

describe('legacy:capture over the clientes/enderecos schema', () => {
  let legacy: LegacyDatabase;
  let t: TestApp;
  let exchange: string;
  let queue: AmqpTestQueue;
  let env: Record<string, string>;

  const mineOf = (id: string) => eventsOf(queue, id);
  const legacyInsert = async (row: Record<string, unknown>): Promise<string> => {
    const [result] = (await legacy.sql.query('INSERT INTO clientes SET ?', [
      { dt_cadastro: '2026-01-02 03:04:05', ativo: 1, ...row },
    ])) as any;
    return String(result.insertId);
  };
  const legacyUpdate = (id: string, set: Record<string, unknown>) =>
    legacy.sql.query('UPDATE clientes SET ? WHERE id_cliente = ?', [set, id]);
  const outboxRows = async () => {
    const [rows] = (await legacy.sql.query(
      'SELECT aggregateid, type, payload, dead_lettered_at, last_error FROM outbox_messages ORDER BY position',
    )) as any;
    return rows as {
      aggregateid: string;
      type: string;
      payload: string;
      dead_lettered_at: string | null;
      last_error: string | null;
    }[];
  };
  /** Waits until `count` more events reached the subscriber, then lets stragglers (duplicates) arrive. */
  const received = async (count: number, before: number) => {
    await queue.waitFor(before + count, 15_000);
    await queue.settle(400);
  };

  beforeAll(async () => {
    legacy = await createLegacyDatabase('capture', 'clientes.sql');
    env = { DATABASE_URL: legacy.url, SCHEMA_MAP_FILE: CLIENTES_MAP };
    expect(migrationRun(env).status).toBe(0);
    ({ exchange, queue } = await subscribedExchange('customerflow.events.capture'));
  });

  afterAll(async () => {
    await t?.close();
    await unsubscribe(queue, exchange);
    await legacy?.sql.query("DROP USER IF EXISTS 'customerflow_capture_nt'@'%'");
    await legacy?.close();
  });

  it('before install: status exits 1 saying it is not installed, db:check says so on an INFO line and exits 0', () => {
    const status = capture('status', env);
    expect(status.status).toBe(1);
    expect(status.stdout).toContain('legacy capture: not installed');
    const check = dbCheck(env);
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('INFO    legacy capture: not installed');
  });

  it('install refuses, with the fix, an account without the TRIGGER privilege, and installs nothing', async () => {
    const database = new URL(legacy.url).pathname.slice(1);
    await legacy.sql.query("DROP USER IF EXISTS 'customerflow_capture_nt'@'%'");
    await legacy.sql.query("CREATE USER 'customerflow_capture_nt'@'%' IDENTIFIED BY 'nt'");
    await legacy.sql.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE, LOCK TABLES ON \`${database}\`.* TO 'customerflow_capture_nt'@'%'`,
    );
    const url = new URL(legacy.url);
    url.username = 'customerflow_capture_nt';
    url.password = 'nt';
    // With the binary log on (MySQL's default), the server asks for SUPER or log_bin_trust_function_creators before
    // it looks at TRIGGER: trust function creators for this test, as the README's fix for that refusal says.
    const [[{ logBin, trusted }]] = (await legacy.sql.query(
      'SELECT @@log_bin AS logBin, @@log_bin_trust_function_creators AS trusted',
    )) as any;
    if (Number(logBin) === 1) await legacy.sql.query('SET GLOBAL log_bin_trust_function_creators = 1');
    const result = capture('install', { ...env, DATABASE_URL: url.toString() });
    if (Number(logBin) === 1) await legacy.sql.query(`SET GLOBAL log_bin_trust_function_creators = ${Number(trusted)}`);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('refused: this account lacks a privilege install needs');
    expect(result.stderr).toContain('fix: GRANT TRIGGER, LOCK TABLES ON <database>.* TO <CustomerFlow account>');
    expect(capture('status', env).stdout).toContain('not installed');
  });

  it('install creates the six triggers and reports them installed and current; install again replaces them', () => {
    const first = capture('install', env);
    expect({ status: first.status, stderr: first.stderr }).toEqual({ status: 0, stderr: '' });
    expect(first.stdout).toMatch(/created customerflow_capture_[0-9a-f]{10}_c_ins: AFTER INSERT ON clientes/);
    expect(first.stdout).toMatch(/created customerflow_capture_[0-9a-f]{10}_a_del: AFTER DELETE ON enderecos/);
    const again = capture('install', env);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('dropped 6 earlier trigger(s)');
    const status = capture('status', env);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain('legacy capture: installed and current (6 triggers');
    expect(dbCheck(env).stdout).toContain('INFO    legacy capture: installed and current');
  });

  describe('with the API and the relay running', () => {
    beforeAll(async () => {
      t = await startTestApp(
        { ...env, OUTBOX_RELAY: 'inprocess', AMQP_EXCHANGE: exchange, OUTBOX_POLL_MS: '200' },
        { clean: false },
      );
    });

    it('announces legacy and API changes of one customer in order, each valid, each API change once, a no-op never', async () => {
      const before = queue.received.length;
      // 1. legacy insert (mixed-case email, masked CPF, a phone not in E.164) → registered
      const id = await legacyInsert({
        nome: ' Ana Legada ',
        email: 'Ana.Legada@Example.COM',
        cpf_cnpj: '529.982.247-25',
        telefone: '(11) 98765-4321',
        dt_nascimento: '1980-02-03',
      });
      // 2. legacy address → updated { addresses }
      await legacy.sql.query(
        "INSERT INTO enderecos (id_cliente, logradouro, numero, bairro, cidade, uf, cep) VALUES (?, 'Rua Augusta', '10', 'Consolação', 'São Paulo', 'SP', '01305-000')",
        [id],
      );
      // 3. an ETag taken before a legacy change of one field is stale after it
      const etagBefore = await etagOf(t, id);
      await legacyUpdate(id, { nome: 'Ana Lima' });
      await t.http().patch(`/v1/customers/${id}`).set('If-Match', etagBefore).send({ name: 'Lost Update' }).expect(412);
      // 4. API change → updated { phone }, announced by CustomerFlow only
      await patchCurrent(t, id, { phone: '+5511912345678' });
      // 5. legacy change of several fields → one updated with exactly those
      await legacyUpdate(id, { email: 'ana@lima.example', dt_nascimento: '1981-03-04', cpf_cnpj: null });
      // 6. no-op updates: the same values, and only a column the map does not name
      await legacyUpdate(id, { nome: 'Ana Lima', email: 'ana@lima.example' });
      await legacy.sql.query(
        'UPDATE clientes SET dt_atualizacao = dt_atualizacao + INTERVAL 1 SECOND WHERE id_cliente = ?',
        [id],
      );
      // 7. legacy deactivation through the status column, 8. API reactivation, 9. legacy deactivation and back
      await legacyUpdate(id, { ativo: 0 });
      await t.http().post(`/v1/customers/${id}/reactivate`).expect(200);
      await legacyUpdate(id, { ativo: 0 });
      await legacyUpdate(id, { ativo: 1 });
      // 10. API rename, then the legacy code removes the address and deletes the customer
      await patchCurrent(t, id, { name: 'Ana Final' });
      await legacy.sql.query('DELETE FROM enderecos WHERE id_cliente = ?', [id]);
      await legacy.sql.query('DELETE FROM clientes WHERE id_cliente = ?', [id]);

      await received(12, before);
      const mine = mineOf(id);
      expect(mine.map(sequenceAndType)).toEqual([
        '1 registered',
        '2 updated',
        '3 updated',
        '4 updated',
        '5 updated',
        '6 deactivated',
        '7 reactivated',
        '8 deactivated',
        '9 reactivated',
        '10 updated',
        '11 updated',
        '12 erased',
      ]);
      expectEachValid(mine);
      expect(new Set(mine.map((e) => e.id)).size).toBe(mine.length);
      expect(mine[0].data).toMatchObject({
        name: 'Ana Legada',
        email: 'ana.legada@example.com', // normalised as the service normalises input
        phone: null, // not in E.164 form: announced as null, served as typed by GET
        document: { type: 'CPF', number: '52998224725' },
        birthDate: '1980-02-03',
        status: 'active',
        addresses: [],
        createdAt: '2026-01-02T03:04:05.000Z',
        version: 1,
      });
      expect(mine[1].data.changes).toEqual({
        addresses: [
          {
            street: 'Rua Augusta',
            number: '10',
            complement: null,
            district: 'Consolação',
            city: 'São Paulo',
            state: 'SP',
            postalCode: '01305-000',
            country: 'BR',
          },
        ],
      });
      expect(mine[2].data.changes).toEqual({ name: 'Ana Lima' });
      expect(mine[3].data.changes).toEqual({ phone: '+5511912345678' });
      expect(mine[4].data.changes).toEqual({ email: 'ana@lima.example', birthDate: '1981-03-04', document: null });
      expect(mine[9].data.changes).toEqual({ name: 'Ana Final' });
      expect(mine[10].data.changes).toEqual({ addresses: [] });
      // The outbox holds each change once: the API's own writes were not captured a second time.
      const rows = (await outboxRows()).filter((r) => r.aggregateid === id);
      expect(rows.map((r) => JSON.parse(r.payload).sequence)).toEqual(mine.map((e) => e.sequence));
    });

    it('keeps order per customer with two customers interleaved, an API registration announced once', async () => {
      const before = queue.received.length;
      const a = await legacyInsert({ nome: 'Cliente A', email: 'a@legacy.example' });
      const { body: api } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
      const b = await legacyInsert({ nome: 'Cliente B', email: 'b@legacy.example', ativo: 0 });
      for (let i = 1; i <= 5; i += 1) {
        await legacyUpdate(a, { nome: `Cliente A ${i}` });
        await legacyUpdate(b, { nome: `Cliente B ${i}` });
        await patchCurrent(t, api.id, { name: `API ${i}` });
        await patchCurrent(t, a, { name: `A via API ${i}` });
      }
      await received(3 + 5 * 4, before);
      for (const [id, count] of [
        [a, 11],
        [b, 6],
        [api.id as string, 6],
      ] as const) {
        const mine = mineOf(id);
        expect(mine.map((e) => Number(e.sequence))).toEqual(Array.from({ length: count }, (_, i) => i + 1));
        expectEachValid(mine);
      }
      expect(mineOf(b)[0].data.status).toBe('inactive');
      expect(mineOf(api.id).filter((e) => e.type.endsWith('.registered.v1'))).toHaveLength(1);
    });

    it('a legacy DELETE erases as the API erases: earlier events scrubbed, published or owed, stored responses forgotten', async () => {
      const before = queue.received.length;
      const registration = aRegistration({
        name: 'Bia Apagada',
        email: 'bia.apagada@example.com',
        phone: '+5511955554444',
      });
      const key = `capture-erase-${Date.now()}`;
      const { body: api } = await t
        .http()
        .post('/v1/customers')
        .set('Idempotency-Key', key)
        .send(registration)
        .expect(201);
      await legacyUpdate(api.id, { nome: 'Bia Legada', cpf_cnpj: '529.982.247-25' });
      await received(2, before); // registered (API) and updated (legacy): both published before the erasure
      // A customer the legacy code inserts and deletes in one transaction: its registration is still owed when the
      // DELETE scrubs, so the relay publishes it as written and swaps the scrubbed body in when it marks it.
      await legacy.sql.beginTransaction();
      const [inserted] = (await legacy.sql.query('INSERT INTO clientes SET ?', [
        { nome: 'Caio Breve', email: 'caio.breve@example.com', dt_cadastro: '2026-01-02 03:04:05', ativo: 1 },
      ])) as any;
      const owedId = String(inserted.insertId);
      await legacy.sql.query('DELETE FROM clientes WHERE id_cliente = ?', [owedId]);
      await legacy.sql.commit();
      await legacy.sql.query('DELETE FROM enderecos WHERE id_cliente = ?', [api.id]);
      await legacy.sql.query('DELETE FROM clientes WHERE id_cliente = ?', [api.id]);
      await received(6, before);
      expect(mineOf(api.id).map((e) => e.type)).toEqual([
        'customerflow.customer.registered.v1',
        'customerflow.customer.updated.v1',
        'customerflow.customer.updated.v1', // the address row deleted
        'customerflow.customer.erased.v1',
      ]);
      expect(mineOf(owedId).map((e) => e.type)).toEqual([
        'customerflow.customer.registered.v1',
        'customerflow.customer.erased.v1',
      ]);

      const [rows] = (await legacy.sql.query(
        'SELECT aggregateid, type, payload, scrubbed_payload, published_at FROM outbox_messages WHERE aggregateid IN (?, ?) ORDER BY position',
        [api.id, owedId],
      )) as any;
      expect(rows).toHaveLength(6);
      for (const row of rows) {
        expect(row.published_at).not.toBeNull();
        expect(row.scrubbed_payload).toBeNull(); // swapped in at publish time, for the owed row
        const personalData = ['Bia', 'bia.apagada', '+5511955554444', '52998224725', 'Paulista', 'Caio', 'caio.breve'];
        for (const personal of [...personalData, (registration.document as { number: string }).number])
          expect({ type: row.type, leaked: row.payload.includes(personal) }).toEqual({ type: row.type, leaked: false });
        const event = JSON.parse(row.payload) as Event;
        expect(validate(event)).toEqual({ valid: true, errors: [] });
      }
      const [registered, updated] = rows.map((r: { payload: string }) => JSON.parse(r.payload) as Event);
      expect(registered.data).toMatchObject({
        id: api.id,
        name: '(erased)',
        email: 'erased@erased.invalid',
        phone: null,
        document: null,
        birthDate: null,
        addresses: [],
      });
      expect(updated.data.changes).toEqual({ name: '(erased)', document: null });
      // The stored response of the registration is forgotten: a replay says the customer is gone.
      const [[stored]] = (await legacy.sql.query(
        'SELECT response_status, response_body, request_hash FROM idempotency_keys WHERE idempotency_key LIKE ?',
        [`%${key}%`],
      )) as any;
      expect(stored).toEqual({ response_status: 410, response_body: 'null', request_hash: 'erased' });
      await t.http().post('/v1/customers').set('Idempotency-Key', key).send(registration).expect(410);
    });

    it('a legacy row the contract cannot announce (NULL email) is written, not refused, and its event is a dead letter', async () => {
      const before = queue.received.length;
      const id = await legacyInsert({ nome: 'Sem Email', email: null });
      const [[row]] = (await legacy.sql.query('SELECT nome FROM clientes WHERE id_cliente = ?', [id])) as any;
      expect(row.nome).toBe('Sem Email');
      const [dead] = (await outboxRows()).filter((r) => r.aggregateid === id);
      expect(dead.dead_lettered_at).not.toBeNull();
      expect(dead.last_error).toContain('email (column email) is NULL');
      // Its next announceable change goes out, with the next sequence: the gap shows what was held back.
      await legacyUpdate(id, { nome: 'Com Nome Novo' });
      await received(1, before);
      expect(mineOf(id).map((e) => [e.sequence, e.data.changes])).toEqual([['2', { name: 'Com Nome Novo' }]]);
    });
  });

  it('status and db:check call triggers built from another map stale', () => {
    const otherMap = join(tmpdir(), `customerflow-capture-${process.pid}.map.json`);
    const map = JSON.parse(readFileSync(CLIENTES_MAP, 'utf8'));
    map.customers.columns.phone = null;
    writeFileSync(otherMap, JSON.stringify(map));
    const stale = { ...env, SCHEMA_MAP_FILE: otherMap };
    const status = capture('status', stale);
    expect(status.status).toBe(1);
    expect(status.stdout).toContain('legacy capture: installed but stale');
    const check = dbCheck(stale);
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('WARNING legacy capture: installed but stale');
    expect(check.stdout).toContain('fix: npm run legacy:capture -- install');
  });

  it('uninstall drops the triggers: status says not installed and legacy writes are no longer announced', async () => {
    const result = capture('uninstall', env);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('6 trigger(s) dropped');
    expect(capture('status', env).stdout).toContain('legacy capture: not installed');
    const [triggers] = (await legacy.sql.query('SHOW TRIGGERS')) as any;
    expect(triggers).toEqual([]);
    const rowsBefore = (await outboxRows()).length;
    await legacyInsert({ nome: 'Depois', email: 'depois@legacy.example' });
    expect((await outboxRows()).length).toBe(rowsBefore);
  });
});

describe('legacy:capture over the pessoas schema (a version column the legacy code bumps, or forgets to)', () => {
  let legacy: LegacyDatabase;
  let t: TestApp;
  let exchange: string;
  let queue: AmqpTestQueue;

  const versaoOf = async (id: string): Promise<number> => {
    const [[row]] = (await legacy.sql.query('SELECT versao FROM pessoas WHERE cod = ?', [id])) as any;
    return Number(row.versao);
  };
  const legacyUpdate = (id: string, set: string, values: unknown[] = []) =>
    legacy.sql.query(`UPDATE pessoas SET ${set} WHERE cod = ?`, [...values, id]);

  beforeAll(async () => {
    legacy = await createLegacyDatabase('capture_pessoas', 'pessoas.sql');
    const env = { DATABASE_URL: legacy.url, SCHEMA_MAP_FILE: join(FIXTURES, 'pessoas.map.json') };
    expect(migrationRun(env).status).toBe(0);
    const install = capture('install', env);
    expect({ status: install.status, stderr: install.stderr }).toEqual({ status: 0, stderr: '' });
    expect(install.stdout).toMatch(/created customerflow_capture_[0-9a-f]{10}_c_upd: BEFORE UPDATE ON pessoas/);
    expect(install.stdout).toContain('legacy capture: installed and current (3 triggers');
    ({ exchange, queue } = await subscribedExchange('customerflow.events.capture-pessoas'));
    t = await startTestApp(
      { ...env, OUTBOX_RELAY: 'inprocess', AMQP_EXCHANGE: exchange, OUTBOX_POLL_MS: '200' },
      { clean: false },
    );
  });

  afterAll(async () => {
    await t?.close();
    await unsubscribe(queue, exchange);
    await legacy?.close();
  });

  it('announces each change with the version column as sequence, bumping it where the legacy code forgot', async () => {
    const before = queue.received.length;
    const [inserted] = (await legacy.sql.query(
      "INSERT INTO pessoas (nome_completo, e_mail, documento, criado_em, alterado_em) VALUES ('Rui Legado', 'rui@legado.example', '52998224725', '2026-01-02 03:04:05', '2026-01-02 03:04:05')",
    )) as any;
    const id = String(inserted.insertId);
    const versions: number[] = [await versaoOf(id)];
    await legacyUpdate(id, "nome_completo = 'Rui Lima'"); // forgets versao
    versions.push(await versaoOf(id));
    await legacyUpdate(id, "fone = '+5511912345678', versao = versao + 1"); // bumps it itself
    versions.push(await versaoOf(id));
    await patchCurrent(t, id, { name: 'Rui API' });
    versions.push(await versaoOf(id));
    const etagBeforeLegacy = await etagOf(t, id);
    await legacyUpdate(id, "e_mail = 'rui@lima.example'");
    await t.http().patch(`/v1/customers/${id}`).set('If-Match', etagBeforeLegacy).send({ name: 'Lost' }).expect(412);
    versions.push(await versaoOf(id));
    await legacyUpdate(id, "e_mail = 'rui@lima.example'"); // a no-op: nothing announced, no bump
    versions.push(await versaoOf(id));
    await legacyUpdate(id, 'versao = versao + 1'); // the legacy code's bump alone: nothing to announce, a gap
    versions.push(await versaoOf(id));
    await legacyUpdate(id, "situacao = 'I'");
    versions.push(await versaoOf(id));
    await legacyUpdate(id, "nome_completo = 'Rui Volta', situacao = 'A'"); // two events, one statement
    versions.push(await versaoOf(id));
    await patchCurrent(t, id, { phone: '+5511900001111' });
    await legacy.sql.query('DELETE FROM pessoas WHERE cod = ?', [id]);

    expect(versions).toEqual([1, 2, 3, 4, 5, 5, 6, 7, 9]);
    await queue.waitFor(before + 10, 15_000);
    await queue.settle(400);
    const mine = eventsOf(queue, id);
    expect(mine.map(sequenceAndType)).toEqual([
      '1 registered',
      '2 updated',
      '3 updated',
      '4 updated',
      '5 updated',
      '7 deactivated',
      '8 updated',
      '9 reactivated',
      '10 updated',
      '11 erased',
    ]);
    expectEachValid(mine);
    expect(mine.map((e) => e.data.version)).toEqual(mine.map((e) => Number(e.sequence)));
    expect(mine.map((e) => e.data.changes ?? null)).toEqual([
      null,
      { name: 'Rui Lima' },
      { phone: '+5511912345678' },
      { name: 'Rui API' },
      { email: 'rui@lima.example' },
      null,
      { name: 'Rui Volta' },
      null,
      { phone: '+5511900001111' },
      null,
    ]);
    expect(mine[0].data).toMatchObject({ name: 'Rui Legado', document: { type: 'CPF', number: '52998224725' } });
  });
});
