/**
 * CustomerFlow laid over databases it did not create (SCHEMA_MAP_FILE), on MariaDB and RabbitMQ. Each legacy schema
 * comes from a SQL file in test/fixtures/legacy, is filled by plain SQL with thousands of rows the way the legacy
 * application writes them (dirty ones included), is migrated by `migration:run` and checked by `db:check` as real
 * processes, and then serves the API and its events while a "legacy writer" keeps changing rows through plain SQL.
 */
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { createCustomerEventValidator } from '../../libs/contracts/src/testing';
import { AmqpTestQueue, declareTestTopology, deleteTestTopology, uniqueName } from '../support/amqp-test-queue';
import { aRegistration, aValidCpf } from '../support/customer-bodies';
import {
  createLegacyDatabase,
  dbCheck,
  FIXTURES,
  insertRows,
  type LegacyDatabase,
  migrationRun,
} from '../support/legacy-database';
import { startTestApp, type TestApp } from '../support/test-app';

const AMQP_URL = process.env.AMQP_URL!;
const validate = createCustomerEventValidator();
const CLIENTES_MAP = join(FIXTURES, 'clientes.map.json');
const PESSOAS_MAP = join(FIXTURES, 'pessoas.map.json');
const LEGACY_ROWS = 3000;

const mask = (cpf: string) => cpf.replace(/^(\d{3})(\d{3})(\d{3})(\d{2})$/, '$1.$2.$3-$4');
const pad = (n: number) => String(n).padStart(5, '0');

/** The legacy application's rows: row n is created n minutes after 2020-01-01, every 7th is inactive. */
function clientesRows(): Record<string, unknown>[] {
  return Array.from({ length: LEGACY_ROWS }, (_, i) => {
    const n = i + 1;
    return {
      nome: n % 3 === 0 ? `ÁLVARO Legado ${pad(n)}` : `Cliente Legado ${pad(n)}`,
      // Mixed case; every 50th has none; rows 11 and 12 share one (the legacy form never checked).
      email: n % 50 === 0 ? null : n === 12 ? 'Cliente.00011@Legacy.Example' : `Cliente.${pad(n)}@Legacy.Example`,
      // Masked as the legacy forms stored them; every 10th has wrong check digits.
      cpf_cnpj: n % 10 === 0 ? `${pad(n).slice(0, 3)}.444.777-00` : mask(aValidCpf()),
      telefone: `(11) 9${pad(n).slice(1)}-${pad(n).slice(1)}`,
      dt_nascimento: n % 4 === 0 ? null : '1980-02-03',
      ativo: n % 7 === 0 ? 0 : 1,
      dt_cadastro: new Date(Date.UTC(2020, 0, 1) + n * 60_000).toISOString().slice(0, 19).replace('T', ' '),
    };
  });
}

describe('over the legacy clientes/enderecos schema (masked documents, 1/0 status, utf8mb3)', () => {
  let legacy: LegacyDatabase;
  let t: TestApp;
  let exchange: string;
  let queue: AmqpTestQueue;
  let env: Record<string, string>;
  let createBefore: string[];

  const showCreate = async () =>
    Promise.all(
      ['clientes', 'enderecos'].map(async (table) => {
        const [[row]] = (await legacy.sql.query(`SHOW CREATE TABLE ${table}`)) as any;
        return String(row['Create Table']).replace(/ AUTO_INCREMENT=\d+/, '');
      }),
    );
  const row = async (id: string | number) => {
    const [rows] = (await legacy.sql.query('SELECT * FROM clientes WHERE id_cliente = ?', [id])) as any;
    return rows[0];
  };
  const etagOf = async (id: string | number) => (await t.http().get(`/v1/customers/${id}`).expect(200)).headers.etag;

  beforeAll(async () => {
    legacy = await createLegacyDatabase('legacy_clientes', 'clientes.sql');
    await insertRows(legacy.sql, 'clientes', clientesRows());
    await insertRows(legacy.sql, 'enderecos', [
      {
        id_cliente: 1,
        logradouro: 'Rua Augusta',
        numero: '10',
        bairro: 'Consolação',
        cidade: 'São Paulo',
        uf: 'SP',
        cep: '01305-000',
      },
      {
        id_cliente: 1,
        logradouro: 'Rua B',
        numero: 's/n',
        bairro: 'Centro',
        cidade: 'Campinas',
        uf: 'SP',
        cep: '13010-000',
      },
    ]);
    createBefore = await showCreate();
    env = { DATABASE_URL: legacy.url, SCHEMA_MAP_FILE: CLIENTES_MAP };

    exchange = uniqueName('customerflow.events.legacy');
    await declareTestTopology(AMQP_URL, exchange);
    queue = await AmqpTestQueue.bound(AMQP_URL, exchange, 'customer.#');
  });

  afterAll(async () => {
    await t?.close();
    await queue?.delete();
    await deleteTestTopology(AMQP_URL, exchange);
    await legacy?.close();
  });

  it('migration:run creates only the tables CustomerFlow owns and leaves the legacy tables as they were', () => {
    const result = migrationRun(env);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('after the migrations: the legacy tables are unchanged and CustomerFlow has its own beside them', async () => {
    expect(await showCreate()).toEqual(createBefore);
    const [tables] = (await legacy.sql.query('SHOW TABLES')) as any;
    expect(tables.map((r: Record<string, string>) => Object.values(r)[0]).sort()).toEqual([
      'clientes',
      'customerflow_customer_state',
      'customerflow_unique_claims',
      'enderecos',
      'hilo_sequences',
      'idempotency_keys',
      'inbox_messages',
      'migrations',
      'outbox_messages',
    ]);
  });

  it('db:check reports the utf8mb3 columns, the narrow ones and the missing indexes as warnings, and exits 0', () => {
    const result = dbCheck(env);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(
      'WARNING customers.columns.name: clientes.nome (varchar(150)) is utf8mb3, short of Unicode',
    );
    expect(result.stdout).toContain(
      'fix: ALTER TABLE `clientes` MODIFY `nome` VARCHAR(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;',
    );
    expect(result.stdout).toContain('fix: CREATE INDEX `ix_clientes_email` ON `clientes` (`email`);');
    expect(result.stdout).not.toContain('ERROR');
    expect(result.stdout).toMatch(/0 errors, \d+ warning\(s\): CustomerFlow can run on this schema\.$/m);
  });

  describe('serving the API', () => {
    beforeAll(async () => {
      t = await startTestApp(
        { ...env, OUTBOX_RELAY: 'inprocess', AMQP_EXCHANGE: exchange, OUTBOX_POLL_MS: '200' },
        { clean: false },
      );
    });

    it('serves a legacy row as it is stored: mixed-case email, masked document unmasked, phone as typed', async () => {
      const { body, headers } = await t.http().get('/v1/customers/10').expect(200);
      expect(body).toMatchObject({
        id: '10',
        name: 'Cliente Legado 00010',
        email: 'Cliente.00010@Legacy.Example',
        phone: '(11) 90010-0010',
        document: { type: 'CPF', number: '00044477700' },
        birthDate: '1980-02-03',
        status: 'active',
        version: 1,
        createdAt: '2020-01-01T00:10:00.000Z',
      });
      expect(headers.etag).toMatch(/^"1\.[0-9a-f]{16}"$/);
      const { body: withAddresses } = await t.http().get('/v1/customers/1').expect(200);
      expect(withAddresses.addresses).toEqual([
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
        {
          street: 'Rua B',
          number: 's/n',
          complement: null,
          district: 'Centro',
          city: 'Campinas',
          state: 'SP',
          postalCode: '13010-000',
          country: 'BR',
        },
      ]);
      const { body: noEmail } = await t.http().get('/v1/customers/50').expect(200);
      expect(noEmail.email).toBeNull();
    });

    it.each(['createdAt', '-createdAt', 'name', '-name'])(
      'lists every legacy row exactly once when paging with sort=%s',
      async (sort) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const query: Record<string, string> = { sort, limit: '100', ...(cursor ? { cursor } : {}) };
          const { body } = await t.http().get('/v1/customers').query(query).expect(200);
          seen.push(...body.items.map((c: { id: string }) => c.id));
          cursor = body.nextCursor;
        } while (cursor);
        const [[{ n }]] = (await legacy.sql.query('SELECT COUNT(*) AS n FROM clientes')) as any;
        expect(new Set(seen).size).toBe(seen.length);
        expect(seen).toHaveLength(Number(n));
      },
    );

    it('filters legacy rows by status, email (case-insensitively), document (masked or not), name prefix and dates', async () => {
      const list = async (query: Record<string, string>) =>
        (
          await t
            .http()
            .get('/v1/customers')
            .query({ limit: '100', ...query })
            .expect(200)
        ).body.items;
      const inactive = await list({ status: 'inactive', sort: 'createdAt' });
      expect(inactive.slice(0, 2).map((c: { id: string }) => c.id)).toEqual(['7', '14']);
      expect(inactive.every((c: { status: string }) => c.status === 'inactive')).toBe(true);
      expect((await list({ email: 'cliente.00011@legacy.example' })).map((c: { id: string }) => c.id).sort()).toEqual([
        '11',
        '12',
      ]);
      const document = (await row(33)).cpf_cnpj as string;
      expect((await list({ document })).map((c: { id: string }) => c.id)).toEqual(['33']);
      expect((await list({ document: document.replace(/\D/g, '') })).map((c: { id: string }) => c.id)).toEqual(['33']);
      expect((await list({ q: 'álvaro legado 0000' })).map((c: { id: string }) => c.id).sort()).toEqual([
        '3',
        '6',
        '9',
      ]);
      const window = await list({
        createdFrom: '2020-01-01T00:05:00Z',
        createdTo: '2020-01-01T00:08:00Z',
        sort: 'createdAt',
      });
      expect(window.map((c: { id: string }) => c.id)).toEqual(['5', '6', '7']);
    });

    it('renames a customer whose legacy CPF, phone and missing email break the rules: only changed fields are checked', async () => {
      const { body } = await t
        .http()
        .patch('/v1/customers/50')
        .set('If-Match', await etagOf(50))
        .send({ name: 'Cliente Renomeado' })
        .expect(200);
      expect(body).toMatchObject({ name: 'Cliente Renomeado', email: null, phone: '(11) 90050-0050', version: 2 });
      expect(await row(50)).toMatchObject({ nome: 'Cliente Renomeado', cpf_cnpj: '000.444.777-00', email: null });
      await t
        .http()
        .patch('/v1/customers/50')
        .set('If-Match', await etagOf(50))
        .send({ phone: '123' })
        .expect(400);
    });

    it('refuses text the utf8mb3 column cannot store, and names longer than the legacy column, with a 400 naming the field', async () => {
      const emoji = await t
        .http()
        .post('/v1/customers')
        .send(aRegistration({ name: 'Ana 😀 Souza' }))
        .expect(400);
      expect(emoji.body.errors).toEqual([
        { pointer: '/name', detail: expect.stringContaining('cannot store (column nome is utf8mb3)') },
      ]);
      const long = await t
        .http()
        .patch('/v1/customers/2')
        .set('If-Match', await etagOf(2))
        .send({ name: 'N'.repeat(151) })
        .expect(400);
      expect(long.body.errors[0]).toMatchObject({
        pointer: '/name',
        detail: expect.stringContaining('150 characters'),
      });
      expect((await row(2)).nome).toBe('Cliente Legado 00002');
      const [address] = aRegistration().addresses as Record<string, unknown>[];
      const country = await t
        .http()
        .post('/v1/customers')
        .send(aRegistration({ addresses: [{ ...address, country: 'PT' }] }))
        .expect(400);
      expect(country.body.errors).toEqual([
        { pointer: '/addresses/0/country', detail: 'must be BR: the existing database stores no other value' },
      ]);
    });

    it('registers into the legacy table, and refuses an email or document a legacy row holds (409), whatever its case or mask', async () => {
      await t
        .http()
        .post('/v1/customers')
        .send(aRegistration({ email: 'CLIENTE.00020@legacy.example' }))
        .expect(409);
      const taken = (await row(21)).cpf_cnpj.replace(/\D/g, '');
      const clash = await t
        .http()
        .post('/v1/customers')
        .send(aRegistration({ document: { type: 'CPF', number: taken } }))
        .expect(409);
      expect(clash.body.code).toBe('CUSTOMER.DOCUMENT_TAKEN');
      const registration = aRegistration();
      const { body, headers } = await t.http().post('/v1/customers').send(registration).expect(201);
      expect(headers.etag).toBe(await etagOf(body.id));
      expect(await row(body.id)).toMatchObject({
        nome: registration.name,
        email: registration.email,
        cpf_cnpj: mask((registration.document as { number: string }).number),
        telefone: '+5511987654321',
        ativo: 1,
      });
      const [addresses] = (await legacy.sql.query('SELECT logradouro, cep FROM enderecos WHERE id_cliente = ?', [
        body.id,
      ])) as any;
      expect(addresses).toEqual([{ logradouro: 'Avenida Paulista', cep: '01310200' }]);
    });

    it('decides 20 racing registrations of one email race-safely without a unique index: one 201, nineteen 409', async () => {
      const email = `race.${Date.now()}@example.com`;
      const statuses = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t
            .http()
            .post('/v1/customers')
            .send(aRegistration({ email: i % 2 ? email.toUpperCase() : email })),
        ),
      );
      expect(statuses.map((r) => r.status).sort()).toEqual([201, ...Array(19).fill(409)]);
      const [rows] = (await legacy.sql.query('SELECT COUNT(*) AS n FROM clientes WHERE email = ?', [email])) as any;
      expect(Number(rows[0].n)).toBe(1);
    });

    it('answers 412 to a change based on a read the legacy writer has since overtaken, and shows the legacy change', async () => {
      const stale = await etagOf(3);
      await legacy.sql.query("UPDATE clientes SET telefone = '(11) 3333-0000' WHERE id_cliente = 3");
      await t.http().patch('/v1/customers/3').set('If-Match', stale).send({ name: 'Perdido' }).expect(412);
      const { body, headers } = await t.http().get('/v1/customers/3').set('If-None-Match', stale).expect(200);
      expect(body).toMatchObject({ name: 'ÁLVARO Legado 00003', phone: '(11) 3333-0000' });
      await t.http().get('/v1/customers/3').set('If-None-Match', headers.etag).expect(304);
      await t.http().patch('/v1/customers/3').set('If-Match', headers.etag).send({ name: 'Álvaro Novo' }).expect(200);
      expect(await row(3)).toMatchObject({ nome: 'Álvaro Novo', telefone: '(11) 3333-0000' });
    });

    it('while a legacy writer changes rows through plain SQL, every PATCH is a 200 or a 412 and no legacy write is lost', async () => {
      const ids = Array.from({ length: 10 }, (_, i) => 100 + i);
      const lastPhone = new Map<number, string>();
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          const id = ids[i % ids.length];
          const phone = `(21) ${String(i).padStart(4, '0')}-0000`;
          await legacy.sql.query('UPDATE clientes SET telefone = ? WHERE id_cliente = ?', [phone, id]);
          lastPhone.set(id, phone);
        }
      })();
      const statuses: number[] = [];
      await Promise.all(
        ids.map(async (id) => {
          for (let round = 0; round < 8; round++) {
            const etag = await etagOf(id);
            const response = await t
              .http()
              .patch(`/v1/customers/${id}`)
              .set('If-Match', etag)
              .send({ name: `Nome ${id} ${round}` });
            statuses.push(response.status);
          }
        }),
      );
      writing = false;
      await writer;
      expect(statuses.filter((s) => s !== 200 && s !== 412)).toEqual([]);
      for (const id of ids) expect((await row(id)).telefone).toBe(lastPhone.get(id));
      // A 412 every time the legacy writer got in between, and it does with this many rounds; shown for the record.
      console.log(
        `legacy writer race: ${statuses.filter((s) => s === 412).length} × 412 of ${statuses.length} PATCHes`,
      );
    });

    it('deactivates, reactivates and erases through the legacy status column and CustomerFlow’s own state', async () => {
      const { body: customer } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
      await t.http().post(`/v1/customers/${customer.id}/deactivate`).expect(200);
      expect((await row(customer.id)).ativo).toBe(0);
      await t.http().post(`/v1/customers/${customer.id}/deactivate`).expect(409);
      await t.http().post(`/v1/customers/${customer.id}/reactivate`).expect(200);
      expect((await row(customer.id)).ativo).toBe(1);
      await t.http().delete(`/v1/customers/${customer.id}`).expect(204);
      await t.http().get(`/v1/customers/${customer.id}`).expect(410);
      // The legacy table has no "erased": the row reads inactive to the legacy code, with the personal data gone.
      expect(await row(customer.id)).toMatchObject({ nome: '', email: null, cpf_cnpj: null, telefone: null, ativo: 0 });
      const [addresses] = (await legacy.sql.query('SELECT * FROM enderecos WHERE id_cliente = ?', [
        customer.id,
      ])) as any;
      expect(addresses).toEqual([]);
      const listed = await t.http().get('/v1/customers').query({ status: 'inactive', sort: '-createdAt', limit: '5' });
      expect(listed.body.items.map((c: { id: string }) => c.id)).not.toContain(customer.id);
      // Erasure frees the email and document.
      await t
        .http()
        .post('/v1/customers')
        .send(aRegistration({ email: customer.email, document: customer.document }))
        .expect(201);
    });

    it('erases a legacy row too, and an erased legacy customer stays erased for CustomerFlow', async () => {
      await t.http().delete('/v1/customers/4').expect(204);
      await t.http().get('/v1/customers/4').expect(410);
      await legacy.sql.query('UPDATE clientes SET ativo = 1 WHERE id_cliente = 4');
      await t.http().get('/v1/customers/4').expect(410);
    });

    it('replays an Idempotency-Key over the legacy tables', async () => {
      const key = `legacy-${randomInt(1e9)}`;
      const registration = aRegistration();
      const first = await t.http().post('/v1/customers').set('Idempotency-Key', key).send(registration).expect(201);
      const again = await t.http().post('/v1/customers').set('Idempotency-Key', key).send(registration).expect(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers.etag).toBe(first.headers.etag);
    });

    it('announces every change on RabbitMQ through the outbox, valid against the contract, in order per customer', async () => {
      const { body: customer } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
      const patched = await t
        .http()
        .patch(`/v1/customers/${customer.id}`)
        .set('If-Match', await etagOf(customer.id))
        .send({ name: 'Ana Evento' })
        .expect(200);
      await t.http().post(`/v1/customers/${customer.id}/deactivate`).set('If-Match', patched.headers.etag).expect(200);
      await t.http().post(`/v1/customers/${customer.id}/reactivate`).expect(200);
      await t.http().delete(`/v1/customers/${customer.id}`).expect(204);
      const mine = async () => {
        for (;;) {
          const events = queue.received.map((m) => JSON.parse(m.body)).filter((e) => e.subject === customer.id);
          if (events.length >= 5) return events;
          await queue.waitFor(queue.received.length + 1, 10_000);
        }
      };
      const events = await mine();
      expect(events.map((e) => e.type)).toEqual([
        'customerflow.customer.registered.v1',
        'customerflow.customer.updated.v1',
        'customerflow.customer.deactivated.v1',
        'customerflow.customer.reactivated.v1',
        'customerflow.customer.erased.v1',
      ]);
      expect(events.map((e) => e.sequence)).toEqual(['1', '2', '3', '4', '5']);
      expect(events[0].data).toEqual(customer);
      for (const event of events) expect(validate(event)).toEqual({ valid: true, errors: [] });
    });
  });
});

describe('over the legacy pessoas schema (addresses kept by CustomerFlow, bare digits, A/I/X states, a version column)', () => {
  let legacy: LegacyDatabase;
  let t: TestApp;
  const env = () => ({ DATABASE_URL: legacy.url, SCHEMA_MAP_FILE: PESSOAS_MAP });
  const row = async (id: string | number) => {
    const [rows] = (await legacy.sql.query('SELECT * FROM pessoas WHERE cod = ?', [id])) as any;
    return rows[0];
  };

  beforeAll(async () => {
    legacy = await createLegacyDatabase('legacy_pessoas', 'pessoas.sql');
    await insertRows(
      legacy.sql,
      'pessoas',
      Array.from({ length: 2000 }, (_, i) => ({
        // Row 1's name is longer than today's 200-character rule.
        nome_completo: i === 0 ? `Maria ${'da Silva '.repeat(25)}`.trim() : `Pessoa ${pad(i + 1)}`,
        e_mail: i % 40 === 0 ? null : `PESSOA.${pad(i + 1)}@Legado.Example`,
        documento: i % 9 === 0 ? '12345678900' : aValidCpf(),
        fone: '011 5555 1234',
        nascimento: null,
        situacao: i % 5 === 4 ? 'I' : 'A',
        criado_em: new Date(Date.UTC(2019, 0, 1) + i * 1000).toISOString().slice(0, 19).replace('T', ' '),
        alterado_em: '2024-01-01 00:00:00',
        versao: 1,
      })),
    );
    expect(migrationRun(env()).status).toBe(0);
    t = await startTestApp(env(), { clean: false });
  });

  afterAll(async () => {
    await t?.close();
    await legacy?.close();
  });

  it('db:check finds nothing to fix on a utf8mb4 schema with its indexes, and exits 0', () => {
    const result = dbCheck(env());
    expect(result.stdout).toContain('0 errors, 0 warning(s): CustomerFlow can run on this schema.');
    expect(result.status).toBe(0);
  });

  it('serves a name over 200 characters and changes its phone without checking the name', async () => {
    const { body, headers } = await t.http().get('/v1/customers/1').expect(200);
    expect(body.name.length).toBeGreaterThan(200);
    expect(body.document).toEqual({ type: 'CPF', number: '12345678900' });
    expect(headers.etag).toMatch(/^"1\./);
    const changed = await t
      .http()
      .patch('/v1/customers/1')
      .set('If-Match', headers.etag)
      .send({ phone: '+5511987654321' })
      .expect(200);
    expect(changed.body).toMatchObject({ phone: '+5511987654321', version: 2 });
    expect(await row(1)).toMatchObject({ fone: '+5511987654321', versao: 2 });
  });

  it('keeps addresses in customer_addresses keyed by the legacy id', async () => {
    const { body } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
    const [addresses] = (await legacy.sql.query('SELECT customer_id, street FROM customer_addresses')) as any;
    expect(addresses).toEqual([{ customer_id: body.id, street: 'Avenida Paulista' }]);
    expect((await t.http().get(`/v1/customers/${body.id}`).expect(200)).body.addresses).toEqual(body.addresses);
    expect(await row(body.id)).toMatchObject({ situacao: 'A', versao: 1, documento: body.document.number });
  });

  it('maps the string states both ways, erased included', async () => {
    const inactive = await t
      .http()
      .get('/v1/customers')
      .query({ status: 'inactive', sort: 'createdAt', limit: '3' })
      .expect(200);
    expect(inactive.body.items.map((c: { id: string }) => c.id)).toEqual(['5', '10', '15']);
    await t.http().post('/v1/customers/5/reactivate').expect(200);
    expect((await row(5)).situacao).toBe('A');
    await t.http().delete('/v1/customers/6').expect(204);
    expect(await row(6)).toMatchObject({ situacao: 'X', e_mail: null, versao: 2 });
    await legacy.sql.query("UPDATE pessoas SET situacao = 'X' WHERE cod = 7");
    await t.http().get('/v1/customers/7').expect(410);
  });
});

describe('db:check exit codes', () => {
  let legacy: LegacyDatabase;

  beforeAll(async () => {
    legacy = await createLegacyDatabase('legacy_check', 'pessoas.sql');
  });

  afterAll(() => legacy?.close());

  it('exits 1 with the DDL for every error: a missing column and the tables the migrations would create', async () => {
    await legacy.sql.query('ALTER TABLE pessoas DROP COLUMN fone');
    const result = dbCheck({ DATABASE_URL: legacy.url, SCHEMA_MAP_FILE: PESSOAS_MAP });
    expect(result.stdout).toContain('ERROR   customers.columns.phone: column pessoas.fone does not exist');
    expect(result.stdout).toContain('fix: ALTER TABLE `pessoas` ADD COLUMN `fone` VARCHAR(16) NULL;');
    expect(result.stdout).toContain("ERROR   CustomerFlow's own tables: outbox_messages, idempotency_keys");
    expect(result.status).toBe(1);
  });

  it('exits 2 when it cannot check: no map', () => {
    const result = dbCheck({ DATABASE_URL: legacy.url });
    expect(result.stderr).toContain('set SCHEMA_MAP_FILE');
    expect(result.status).toBe(2);
  });
});
