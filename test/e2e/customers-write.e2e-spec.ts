/**
 * The write side over HTTP: every endpoint and error of the REST contract (docs/contracts.md) for register, change, deactivate,
 * reactivate and erase, with the outbox rows each change must leave. Runs on SQLite (`npm test`) and on MariaDB
 * (`npm run test:integration`).
 */
import { createCustomerEventValidator } from '../../libs/contracts/src/testing';
import { IdempotencyRetention } from '../../libs/platform/src';
import { aRegistration, aValidCpf } from '../support/customer-bodies';
import { startTestApp, type TestApp } from '../support/test-app';

const validateEvent = createCustomerEventValidator();
let t: TestApp;

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t.close();
});

async function register(body = aRegistration(), headers: Record<string, string> = {}) {
  const response = await t.http().post('/v1/customers').set(headers).send(body);
  expect(response.status).toBe(201);
  return response;
}

async function outboxOf(
  customerId: string,
): Promise<Array<{ type: string; payload: Record<string, any>; headers: Record<string, string> }>> {
  const rows = await t.dataSource.query(
    'SELECT type, payload, headers FROM outbox_messages WHERE aggregateid = ? ORDER BY position',
    [customerId],
  );
  return rows.map((r: { type: string; payload: string; headers: string }) => ({
    type: r.type,
    payload: JSON.parse(r.payload),
    headers: JSON.parse(r.headers),
  }));
}

function expectProblem(
  response: { status: number; headers: Record<string, string>; body: any },
  status: number,
  slug: string,
) {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject({ type: `/problems/${slug}`, status });
  expect(typeof response.body.title).toBe('string');
  expect(typeof response.body.detail).toBe('string');
}

describe('POST /v1/customers', () => {
  it('registers a customer: 201, Location, ETag, the representation with a normalized email', async () => {
    const body = aRegistration({
      email: '  Ana.Souza.Register@Example.COM ',
      document: { type: 'CPF', number: '529.982.247-25' },
    });
    const response = await register(body);
    const id = response.body.id;
    expect(id).toMatch(/^[1-9]\d*$/);
    expect(response.headers.location).toBe(`/v1/customers/${id}`);
    expect(response.headers.etag).toBe('"1"');
    expect(response.body).toEqual({
      id,
      name: body.name,
      email: 'ana.souza.register@example.com',
      phone: '+5511987654321',
      document: { type: 'CPF', number: '52998224725' },
      birthDate: '1990-04-01',
      status: 'active',
      addresses: body.addresses,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      version: 1,
    });
    const read = await t.http().get(`/v1/customers/${id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(response.body);
  });

  it('writes exactly one customerflow.customer.registered.v1 outbox row in the CloudEvents envelope', async () => {
    const { body } = await register();
    const events = await outboxOf(body.id);
    expect(events).toHaveLength(1);
    expect(events[0].type).toBe('customerflow.customer.registered.v1');
    expect(events[0].payload).toMatchObject({
      specversion: '1.0',
      source: '/customerflow',
      subject: body.id,
      sequence: '1',
      data: body,
    });
    expect(validateEvent(events[0].payload)).toEqual({ valid: true, errors: [] });
  });

  it("carries the request's W3C trace context into the outbox row and its envelope", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const { body } = await register(aRegistration(), { traceparent: `00-${traceId}-00f067aa0ba902b7-01` });
    const [event] = await outboxOf(body.id);
    expect(event.payload.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    expect(event.headers.traceparent).toBe(event.payload.traceparent);
    const [untraced] = await outboxOf((await register()).body.id);
    expect(untraced.payload.traceparent).toBeUndefined();
  });

  it('lists every invalid field with a JSON pointer', async () => {
    const response = await t
      .http()
      .post('/v1/customers')
      .send(
        aRegistration({
          name: '',
          email: 'not-an-email',
          phone: '11 98765-4321',
          document: { type: 'CPF', number: '52998224724' },
          birthDate: '2999-01-01',
          addresses: [
            {
              street: 'R',
              number: '1',
              complement: null,
              district: 'D',
              city: 'C',
              state: 'SP',
              postalCode: '1',
              country: 'XX',
            },
          ],
        }),
      );
    expectProblem(response, 400, 'validation-failed');
    expect(response.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual([
      '/addresses/0/country',
      '/birthDate',
      '/document/number',
      '/email',
      '/name',
      '/phone',
    ]);
  });

  it.each(['id', 'version', 'status', 'createdAt', 'nickname'])(
    'rejects the field %s in the body with 400',
    async (field) => {
      const response = await t
        .http()
        .post('/v1/customers')
        .send(aRegistration({ [field]: field === 'version' ? 7 : 'x' }));
      expectProblem(response, 400, 'validation-failed');
      expect(response.body.errors).toContainEqual({
        pointer: `/${field}`,
        detail: expect.stringContaining('not allowed'),
      });
    },
  );

  it('rejects more than 5 addresses and an unknown field inside an address', async () => {
    const address = (aRegistration().addresses as object[])[0];
    const tooMany = await t
      .http()
      .post('/v1/customers')
      .send(aRegistration({ addresses: Array(6).fill(address) }));
    expectProblem(tooMany, 400, 'validation-failed');
    expect(tooMany.body.errors[0].pointer).toBe('/addresses');
    const unknown = await t
      .http()
      .post('/v1/customers')
      .send(aRegistration({ addresses: [{ ...address, floor: 3 }] }));
    expectProblem(unknown, 400, 'validation-failed');
    expect(unknown.body.errors).toContainEqual({ pointer: '/addresses/0/floor', detail: expect.any(String) });
  });

  it.each([
    ['malformed JSON', '{"name":', 'application/json', 400, 'malformed-json'],
    ['a JSON array', '[]', 'application/json', 400, 'validation-failed'],
    ['a JSON string', '"ana"', 'application/json', 400, 'malformed-json'],
    ['form data', 'name=ana', 'application/x-www-form-urlencoded', 415, 'unsupported-media-type'],
    [
      'wrong types',
      '{"name":42,"email":["a"],"addresses":"x","document":"CPF"}',
      'application/json',
      400,
      'validation-failed',
    ],
  ])('answers %s with a %s problem, never a 500', async (_what, raw, type, status, slug) => {
    const response = await t.http().post('/v1/customers').set('Content-Type', type).send(raw);
    expectProblem(response, status, slug);
  });

  it('rejects text that UTF-8 storage would mangle (an unpaired surrogate) and keeps emoji intact', async () => {
    const mangled = await t
      .http()
      .post('/v1/customers')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(aRegistration({ name: 'Ana \ud800 Souza' })));
    expectProblem(mangled, 400, 'validation-failed');
    expect(mangled.body.errors).toEqual([{ pointer: '/name', detail: expect.stringContaining('unpaired surrogate') }]);
    const { body } = await register(aRegistration({ name: 'Ana 😀 Souza' }));
    expect((await t.http().get(`/v1/customers/${body.id}`)).body.name).toBe('Ana 😀 Souza');
  });

  it('accepts the 2026 alphanumeric CNPJ', async () => {
    const response = await register(aRegistration({ document: { type: 'CNPJ', number: '12.ABC.345/01DE-35' } }));
    expect(response.body.document).toEqual({ type: 'CNPJ', number: '12ABC34501DE35' });
  });

  it('answers 409 for an email already registered, whatever its case', async () => {
    const first = aRegistration();
    await register(first);
    const response = await t
      .http()
      .post('/v1/customers')
      .send(aRegistration({ email: String(first.email).toUpperCase() }));
    expectProblem(response, 409, 'email-taken');
    expect(response.body.code).toBe('CUSTOMER.EMAIL_TAKEN');
  });

  it('answers 409 for a document already registered', async () => {
    const first = aRegistration();
    await register(first);
    const response = await t
      .http()
      .post('/v1/customers')
      .send(aRegistration({ document: first.document }));
    expectProblem(response, 409, 'document-taken');
  });
});

describe('Idempotency-Key on POST /v1/customers', () => {
  it('replays the first response for the same key and body', async () => {
    const body = aRegistration();
    const key = `key-${Date.now()}-replay`;
    const first = await register(body, { 'Idempotency-Key': key });
    const second = await t
      .http()
      .post('/v1/customers')
      .set('Idempotency-Key', key)
      .send({ ...body });
    expect(second.status).toBe(201);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.headers.location).toBe(first.headers.location);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(second.body).toEqual(first.body);
    const [{ count }] = await t.dataSource.query('SELECT COUNT(*) AS count FROM customers WHERE email = ?', [
      body.email,
    ]);
    expect(Number(count)).toBe(1);
  });

  it('answers 422 for the same key with another body', async () => {
    const key = `key-${Date.now()}-mismatch`;
    await register(aRegistration(), { 'Idempotency-Key': key });
    const response = await t.http().post('/v1/customers').set('Idempotency-Key', key).send(aRegistration());
    expectProblem(response, 422, 'idempotency-key-reused');
  });

  it('frees the key of a request that failed, so a corrected retry may use it', async () => {
    const key = `key-${Date.now()}-failed`;
    const failed = await t
      .http()
      .post('/v1/customers')
      .set('Idempotency-Key', key)
      .send(aRegistration({ email: 'bad' }));
    expectProblem(failed, 400, 'validation-failed');
    await register(aRegistration(), { 'Idempotency-Key': key });
  });

  it('forgets keys after their retention: purged by the retention job, and an expired key is free again', async () => {
    const body = aRegistration({ document: null });
    await register(body, { 'Idempotency-Key': 'expiring-key' });
    await register(aRegistration(), { 'Idempotency-Key': 'fresh-key' });
    await t.dataSource.query(
      "UPDATE idempotency_keys SET expires_at = '2000-01-01 00:00:00.000' WHERE idempotency_key = 'expiring-key'",
    );
    // Expired but not yet purged: the key no longer replays; the request runs again (and meets the unique email).
    const reused = await t.http().post('/v1/customers').set('Idempotency-Key', 'expiring-key').send(body);
    expectProblem(reused, 409, 'email-taken');
    await t.dataSource.query(
      "UPDATE idempotency_keys SET expires_at = '2000-01-01 00:00:00.000' WHERE idempotency_key = 'expiring-key'",
    );
    await t.app.get(IdempotencyRetention).purge();
    const keys = await t.dataSource.query(
      "SELECT idempotency_key FROM idempotency_keys WHERE idempotency_key IN ('expiring-key', 'fresh-key')",
    );
    expect(keys).toEqual([{ idempotency_key: 'fresh-key' }]);
  });

  it('rejects a key that is not visible ASCII', async () => {
    const response = await t.http().post('/v1/customers').set('Idempotency-Key', 'a'.repeat(256)).send(aRegistration());
    expectProblem(response, 400, 'invalid-idempotency-key');
  });
});

describe('PATCH /v1/customers/{id}', () => {
  it('applies a merge patch with the current ETag: 200, new ETag, only the changed fields in the event', async () => {
    const { body: customer } = await register();
    const response = await t
      .http()
      .patch(`/v1/customers/${customer.id}`)
      .set('Content-Type', 'application/merge-patch+json')
      .set('If-Match', '"1"')
      .send(JSON.stringify({ name: 'Ana Lima', phone: null, document: { number: aValidCpf() } }));
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe('"2"');
    expect(response.body).toMatchObject({
      name: 'Ana Lima',
      phone: null,
      version: 2,
      email: customer.email,
      addresses: customer.addresses,
    });
    expect(response.body.document.type).toBe('CPF');
    const events = await outboxOf(customer.id);
    expect(events.map((e) => e.type)).toEqual([
      'customerflow.customer.registered.v1',
      'customerflow.customer.updated.v1',
    ]);
    expect(events[1].payload.sequence).toBe('2');
    expect(events[1].payload.data.changes).toEqual({ name: 'Ana Lima', phone: null, document: response.body.document });
    expect(validateEvent(events[1].payload)).toEqual({ valid: true, errors: [] });
  });

  it('also accepts application/json and leaves the version alone when nothing changes', async () => {
    const { body: customer } = await register();
    const response = await t
      .http()
      .patch(`/v1/customers/${customer.id}`)
      .set('If-Match', '"1"')
      .send({ name: customer.name });
    expect(response.status).toBe(200);
    expect(response.headers.etag).toBe('"1"');
    expect(await outboxOf(customer.id)).toHaveLength(1);
  });

  it('answers 428 without If-Match and 412 with a stale one', async () => {
    const { body: customer } = await register();
    expectProblem(
      await t.http().patch(`/v1/customers/${customer.id}`).send({ name: 'X' }),
      428,
      'precondition-required',
    );
    await t.http().patch(`/v1/customers/${customer.id}`).set('If-Match', '"1"').send({ name: 'Y' }).expect(200);
    const stale = await t.http().patch(`/v1/customers/${customer.id}`).set('If-Match', '"1"').send({ name: 'Z' });
    expectProblem(stale, 412, 'version-mismatch');
    expect((await t.http().get(`/v1/customers/${customer.id}`)).body.name).toBe('Y');
  });

  it('answers 400 for a malformed If-Match, null name or email, and read-only fields', async () => {
    const { body: customer } = await register();
    expectProblem(
      await t.http().patch(`/v1/customers/${customer.id}`).set('If-Match', 'version-1').send({ name: 'X' }),
      400,
      'invalid-precondition',
    );
    for (const patch of [{ name: null }, { email: null }, { status: 'inactive' }, { version: 9 }, { id: '1' }]) {
      expectProblem(
        await t.http().patch(`/v1/customers/${customer.id}`).set('If-Match', '"1"').send(patch),
        400,
        'validation-failed',
      );
    }
    const invalid = await t.http().patch(`/v1/customers/${customer.id}`).set('If-Match', '"1"').send({ email: 'nope' });
    expectProblem(invalid, 400, 'validation-failed');
    expect(invalid.body.errors).toEqual([{ pointer: '/email', detail: expect.any(String) }]);
  });

  it('answers 409 when the new email belongs to someone else', async () => {
    const { body: other } = await register();
    const { body: customer } = await register();
    expectProblem(
      await t.http().patch(`/v1/customers/${customer.id}`).set('If-Match', '"1"').send({ email: other.email }),
      409,
      'email-taken',
    );
  });

  it('answers 404 for an unknown or malformed id', async () => {
    for (const id of ['987654321', 'abc', '0', '99999999999999999999999']) {
      expectProblem(
        await t.http().patch(`/v1/customers/${id}`).set('If-Match', '"1"').send({ name: 'X' }),
        404,
        'customer-not-found',
      );
    }
  });
});

describe('deactivate and reactivate', () => {
  it('moves between active and inactive, one event each, 409 when already there', async () => {
    const { body: customer } = await register();
    const deactivated = await t.http().post(`/v1/customers/${customer.id}/deactivate`);
    expect(deactivated.status).toBe(200);
    expect(deactivated.headers.etag).toBe('"2"');
    expect(deactivated.body).toMatchObject({ status: 'inactive', version: 2 });
    expectProblem(await t.http().post(`/v1/customers/${customer.id}/deactivate`), 409, 'customer-already-inactive');
    const reactivated = await t.http().post(`/v1/customers/${customer.id}/reactivate`).set('If-Match', '"2"');
    expect(reactivated.status).toBe(200);
    expect(reactivated.body).toMatchObject({ status: 'active', version: 3 });
    expectProblem(await t.http().post(`/v1/customers/${customer.id}/reactivate`), 409, 'customer-already-active');
    const events = await outboxOf(customer.id);
    expect(events.map((e) => [e.type, e.payload.sequence])).toEqual([
      ['customerflow.customer.registered.v1', '1'],
      ['customerflow.customer.deactivated.v1', '2'],
      ['customerflow.customer.reactivated.v1', '3'],
    ]);
    for (const event of events) expect(validateEvent(event.payload)).toEqual({ valid: true, errors: [] });
  });

  it('answers 412 for a stale optional If-Match', async () => {
    const { body: customer } = await register();
    expectProblem(
      await t.http().post(`/v1/customers/${customer.id}/deactivate`).set('If-Match', '"7"'),
      412,
      'version-mismatch',
    );
  });
});

describe('DELETE /v1/customers/{id}', () => {
  it('erases personal data, keeps the row, answers 410 afterwards and announces it without personal data', async () => {
    const body = aRegistration();
    const { body: customer } = await register(body, { 'Idempotency-Key': `erase-${Date.now()}` });
    await t.http().delete(`/v1/customers/${customer.id}`).expect(204);
    expectProblem(await t.http().get(`/v1/customers/${customer.id}`), 410, 'customer-erased');
    expectProblem(await t.http().delete(`/v1/customers/${customer.id}`), 410, 'customer-erased');
    expectProblem(
      await t.http().patch(`/v1/customers/${customer.id}`).set('If-Match', '"2"').send({ name: 'X' }),
      410,
      'customer-erased',
    );
    const [row] = await t.dataSource.query(
      'SELECT name, email, phone, document_number, birth_date, status FROM customers WHERE id = ?',
      [customer.id],
    );
    expect(row).toEqual({
      name: '',
      email: null,
      phone: null,
      document_number: null,
      birth_date: null,
      status: 'erased',
    });
    const [{ count }] = await t.dataSource.query(
      'SELECT COUNT(*) AS count FROM customer_addresses WHERE customer_id = ?',
      [customer.id],
    );
    expect(Number(count)).toBe(0);
    const erased = (await outboxOf(customer.id)).at(-1)!;
    expect(erased.type).toBe('customerflow.customer.erased.v1');
    expect(JSON.stringify(erased.payload)).not.toContain(String(body.email));
    expect(validateEvent(erased.payload)).toEqual({ valid: true, errors: [] });
    // The stored idempotent response held the personal data too: it is scrubbed in the same transaction.
    const [stored] = await t.dataSource.query('SELECT response_body FROM idempotency_keys WHERE resource_id = ?', [
      customer.id,
    ]);
    expect(stored.response_body).not.toContain(String(body.email));
  });

  it('frees the email and document for a new customer', async () => {
    const body = aRegistration();
    const { body: customer } = await register(body);
    await t.http().delete(`/v1/customers/${customer.id}`).expect(204);
    await register(aRegistration({ email: body.email, document: body.document }));
  });
});

describe('GET /v1/customers/{id}', () => {
  it('answers 304 to If-None-Match with the current ETag, 200 otherwise', async () => {
    const { body: customer } = await register();
    const notModified = await t.http().get(`/v1/customers/${customer.id}`).set('If-None-Match', '"1"');
    expect(notModified.status).toBe(304);
    expect(notModified.headers.etag).toBe('"1"');
    expect((await t.http().get(`/v1/customers/${customer.id}`).set('If-None-Match', '"0"')).status).toBe(200);
  });

  it('answers 404 for unknown and malformed ids', async () => {
    for (const id of ['987654321', 'abc', '-1', '1.5', '99999999999999999999999']) {
      expectProblem(await t.http().get(`/v1/customers/${id}`), 404, 'customer-not-found');
    }
  });
});

describe('GET /metrics', () => {
  it('exposes the outbox backlog and host metrics to Prometheus', async () => {
    await register();
    const [{ pending }] = await t.dataSource.query(
      'SELECT COUNT(*) AS pending FROM outbox_messages WHERE published_at IS NULL AND dead_lettered_at IS NULL',
    );
    const response = await t.http().get('/metrics');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toMatch(new RegExp(`^customerflow_outbox_pending(\\{[^}]*\\})? ${Number(pending)}$`, 'm'));
    expect(response.text).toMatch(/^customerflow_outbox_dead_letters(\{[^}]*\})? 0$/m);
    expect(response.text).toMatch(/^process_cpu_utilization/m); // host metrics through nestjs-otel
  });
});
