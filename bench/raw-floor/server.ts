/**
 * The raw floor: the same service written by hand with node:http, mysql2 and amqplib, no framework. It answers the
 * routes the bench measures with the same SQL as CustomerFlow (same tables, same row shapes, one transaction per
 * registration: customer + address + outbox row with the CloudEvents envelope), the same response bodies and headers,
 * and, with RELAY=inprocess, relays the outbox right after each commit like OUTBOX_RELAY=inprocess does, sending the
 * same messages (each row once per version in EVENTS_PUBLISHED).
 *
 * It validates what a careful hand-written endpoint would (types, sizes, CPF check digits, E.164, ISO dates) but
 * has no idempotency keys, no problem+json catalogue, no logging, no tracing: the floor, not a second service.
 *
 * Env: PORT, DATABASE_URL, AMQP_URL, AMQP_EXCHANGE, POOL_SIZE, RELAY (inprocess|off), OUTBOX_BATCH_SIZE, OUTBOX_POLL_MS,
 * EVENTS_PUBLISHED.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import {
  type AddressInput,
  cpfCheckDigits,
  type CustomerRecord,
  REGISTERED_TYPE,
  registeredEnvelope,
  representationOf,
  toDb,
} from '../support/customers-data';
import { createRawPool } from './pool';
import { BrokerLink, eventVersions, RawRelay } from './relay';

const CUSTOMER_COLUMNS =
  'c.id, c.name, c.email, c.phone, c.document_type, c.document_number, c.birth_date, c.status, c.version, c.created_at, c.updated_at';
const ADDRESS_COLUMNS =
  'a.customer_id, a.street, a.number, a.complement, a.district, a.city, a.state, a.postal_code, a.country';
const ID_PATTERN = /^[1-9]\d{0,18}$/;
const MAX_BODY = 64 * 1024;

/** The address columns of the get-by-id join, prefixed so they do not clash with the customer's. */
interface AddressColumns {
  address_street: string | null;
  address_number: string | null;
  address_complement: string | null;
  address_district: string | null;
  address_city: string | null;
  address_state: string | null;
  address_postal_code: string | null;
  address_country: string | null;
}

interface CustomerRow extends RowDataPacket {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  document_type: 'CPF' | 'CNPJ' | null;
  document_number: string | null;
  birth_date: string | null;
  status: 'active' | 'inactive' | 'erased';
  version: number;
  created_at: Date;
  updated_at: Date;
}

interface AddressRow extends RowDataPacket {
  customer_id: string;
  street: string;
  number: string;
  complement: string | null;
  district: string;
  city: string;
  state: string;
  postal_code: string;
  country: string;
}

class BadRequest extends Error {}

/** Set on SIGTERM: requests the load generator abandoned may still fail on the closing pool; nobody is waiting. */
let closing = false;

async function main(): Promise<void> {
  const env = process.env;
  const pool = createRawPool(required('DATABASE_URL'), Number(env.POOL_SIZE ?? 20));
  const exchange = env.AMQP_EXCHANGE ?? 'customerflow.events';
  let relay: RawRelay | null = null;
  if (env.RELAY === 'inprocess') {
    const broker = new BrokerLink(required('AMQP_URL'), exchange, 'raw-floor-api');
    await broker.channel();
    relay = new RawRelay(
      pool,
      broker,
      Number(env.OUTBOX_BATCH_SIZE ?? 100),
      Number(env.OUTBOX_POLL_MS ?? 1000),
      eventVersions(env.EVENTS_PUBLISHED),
    );
    relay.start();
  }

  const server = createServer((request, response) => {
    route(pool, relay, request, response).catch((error: Error) => {
      if (error instanceof BadRequest) return problem(response, 400, 'Bad request', error.message);
      if (!closing) console.error(error);
      problem(response, 500, 'Internal error', 'unexpected');
    });
  });
  server.keepAliveTimeout = 5000;
  server.listen(Number(env.PORT ?? 3000), '127.0.0.1');
  process.on('SIGTERM', () => {
    closing = true;
    relay?.stop();
    server.close();
    server.closeAllConnections();
    void pool.end().finally(() => process.exit(0));
  });
}

async function route(
  pool: Pool,
  relay: RawRelay | null,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = request.url ?? '/';
  const queryAt = url.indexOf('?');
  const path = queryAt < 0 ? url : url.slice(0, queryAt);
  if (path === '/v1/customers') {
    if (request.method === 'POST') return register(pool, relay, request, response);
    if (request.method === 'GET')
      return list(pool, new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1)), response);
  }
  if (request.method === 'GET' && path.startsWith('/v1/customers/'))
    return getById(pool, path.slice('/v1/customers/'.length), response);
  if (request.method === 'GET' && path === '/health/live') return json(response, 200, { status: 'ok' });
  problem(response, 404, 'Not found', `Cannot ${request.method} ${path}`);
}

async function register(
  pool: Pool,
  relay: RawRelay | null,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  if (!/^application\/json/.test(request.headers['content-type'] ?? ''))
    return problem(response, 415, 'Unsupported media type', 'Send JSON');
  const input = validRegistration(parseJson(await readBody(request)));
  const now = new Date();
  const at = now.toISOString();
  const customer: CustomerRecord = { id: '', ...input, status: 'active', createdAt: at, updatedAt: at, version: 1 };
  const connection = await pool.getConnection();
  try {
    await connection.beginTransaction();
    const [inserted] = await connection.query<ResultSetHeader>(
      `INSERT INTO customers (name, email, phone, document_type, document_number, birth_date, status, version, created_at, updated_at, erased_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        customer.name,
        customer.email,
        customer.phone,
        customer.document?.type ?? null,
        customer.document?.number ?? null,
        customer.birthDate,
        customer.status,
        customer.version,
        toDb(now),
        toDb(now),
        null,
      ],
    );
    customer.id = String(inserted.insertId);
    if (customer.addresses.length > 0) {
      await connection.query(
        'INSERT INTO customer_addresses (customer_id, position, street, number, complement, district, city, state, postal_code, country) VALUES ?',
        [
          customer.addresses.map((a, position) => [
            customer.id,
            position,
            a.street,
            a.number,
            a.complement,
            a.district,
            a.city,
            a.state,
            a.postalCode,
            a.country,
          ]),
        ],
      );
    }
    const eventId = randomUUID();
    await connection.query(
      'INSERT INTO outbox_messages (id, aggregatetype, aggregateid, type, payload, headers, occurred_at, available_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      [
        eventId,
        'customer',
        customer.id,
        REGISTERED_TYPE,
        registeredEnvelope(customer, eventId),
        '{}',
        toDb(now),
        toDb(now),
      ],
    );
    await connection.commit();
  } catch (error) {
    await connection.rollback().catch(() => undefined);
    if ((error as { code?: string }).code === 'ER_DUP_ENTRY') {
      return problem(
        response,
        409,
        'Conflict',
        /document/.test((error as Error).message) ? 'document taken' : 'email taken',
      );
    }
    throw error;
  } finally {
    connection.release();
  }
  relay?.wake();
  response.setHeader('Location', `/v1/customers/${customer.id}`);
  response.setHeader('ETag', `"${customer.version}"`);
  json(response, 201, representationOf(customer));
}

async function getById(pool: Pool, id: string, response: ServerResponse): Promise<void> {
  if (!ID_PATTERN.test(id)) return problem(response, 404, 'Not found', `customer ${id}`);
  // The same single statement as the service: the customer LEFT JOIN its addresses.
  const [rows] = await pool.query<(CustomerRow & AddressColumns)[]>(
    `SELECT ${CUSTOMER_COLUMNS}, a.street AS address_street, a.number AS address_number, a.complement AS address_complement,
       a.district AS address_district, a.city AS address_city, a.state AS address_state,
       a.postal_code AS address_postal_code, a.country AS address_country
     FROM customers c LEFT JOIN customer_addresses a ON a.customer_id = c.id WHERE c.id = ? ORDER BY a.position`,
    [id],
  );
  const row = rows[0];
  if (!row) return problem(response, 404, 'Not found', `customer ${id}`);
  if (row.status === 'erased') return problem(response, 410, 'Gone', `customer ${id} was erased`);
  const addresses = rows
    .filter((r) => r.address_street !== null)
    .map((r) => ({
      customer_id: r.id,
      street: r.address_street,
      number: r.address_number,
      complement: r.address_complement,
      district: r.address_district,
      city: r.address_city,
      state: r.address_state,
      postal_code: r.address_postal_code,
      country: r.address_country,
    })) as unknown as AddressRow[];
  const view = toView(row, addresses);
  response.setHeader('ETag', `"${view.version}"`);
  json(response, 200, view);
}

/** GET /v1/customers?status=&limit=&sort=-createdAt: the first page, the same two statements as the service. */
async function list(pool: Pool, query: URLSearchParams, response: ServerResponse): Promise<void> {
  const limit = Number(query.get('limit') ?? 20);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    return problem(response, 400, 'Bad request', 'limit is 1..100');
  const status = query.get('status');
  if (status !== null && status !== 'active' && status !== 'inactive')
    return problem(response, 400, 'Bad request', 'status');
  if ((query.get('sort') ?? '-createdAt') !== '-createdAt')
    return problem(response, 400, 'Bad request', 'the raw floor sorts by -createdAt only');
  const [rows] = status
    ? await pool.query<CustomerRow[]>(
        `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.status = ? ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
        [status, limit + 1],
      )
    : await pool.query<CustomerRow[]>(
        `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.status <> 'erased' ORDER BY c.created_at DESC, c.id DESC LIMIT ?`,
        [limit + 1],
      );
  const page = rows.slice(0, limit);
  const byCustomer = new Map<string, AddressRow[]>();
  if (page.length > 0) {
    const [addresses] = await pool.query<AddressRow[]>(
      `SELECT ${ADDRESS_COLUMNS} FROM customer_addresses a WHERE a.customer_id IN (?) ORDER BY a.customer_id, a.position`,
      [page.map((row) => row.id)],
    );
    for (const address of addresses) {
      const key = String(address.customer_id);
      const known = byCustomer.get(key);
      if (known) known.push(address);
      else byCustomer.set(key, [address]);
    }
  }
  const items = page.map((row) => toView(row, byCustomer.get(String(row.id)) ?? []));
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify({ v: 1, s: '-createdAt', k: last.createdAt, i: last.id }), 'utf8').toString(
          'base64url',
        )
      : null;
  json(response, 200, { items, nextCursor });
}

function toView(row: CustomerRow, addresses: readonly AddressRow[]) {
  return {
    id: String(row.id),
    name: row.name,
    email: row.email,
    phone: row.phone,
    document:
      row.document_type && row.document_number ? { type: row.document_type, number: row.document_number } : null,
    birthDate: row.birth_date,
    status: row.status,
    addresses: addresses.map((a) => ({
      street: a.street,
      number: a.number,
      complement: a.complement,
      district: a.district,
      city: a.city,
      state: a.state,
      postalCode: a.postal_code,
      country: a.country,
    })),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    version: Number(row.version),
  };
}

function validRegistration(
  body: Record<string, unknown>,
): Omit<CustomerRecord, 'id' | 'status' | 'createdAt' | 'updatedAt' | 'version'> {
  if (typeof body !== 'object' || body === null) throw new BadRequest('body must be an object');
  const name = text(body.name, 'name', 200).trim();
  const email = text(body.email, 'email', 254).trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new BadRequest('email');
  const phone = body.phone == null ? null : text(body.phone, 'phone', 16);
  if (phone !== null && !/^\+[1-9]\d{7,14}$/.test(phone)) throw new BadRequest('phone must be E.164');
  let document: CustomerRecord['document'] = null;
  if (body.document != null) {
    const doc = body.document as Record<string, unknown>;
    const digits = text(doc.number, 'document.number', 18).replace(/[.-]/g, '');
    if (
      doc.type !== 'CPF' ||
      !/^\d{11}$/.test(digits) ||
      /^(\d)\1{10}$/.test(digits) ||
      cpfCheckDigits(digits.slice(0, 9)) !== digits.slice(9)
    ) {
      throw new BadRequest('document');
    }
    document = { type: 'CPF', number: digits };
  }
  const birthDate = body.birthDate == null ? null : text(body.birthDate, 'birthDate', 10);
  if (
    birthDate !== null &&
    (!/^\d{4}-\d{2}-\d{2}$/.test(birthDate) || Number.isNaN(Date.parse(birthDate)) || new Date(birthDate) > new Date())
  ) {
    throw new BadRequest('birthDate');
  }
  const rawAddresses = body.addresses ?? [];
  if (!Array.isArray(rawAddresses) || rawAddresses.length > 5) throw new BadRequest('addresses');
  const addresses: AddressInput[] = rawAddresses.map((raw: Record<string, unknown>, i) => {
    const country = text(raw.country, `addresses/${i}/country`, 2);
    if (!/^[A-Z]{2}$/.test(country)) throw new BadRequest('country');
    return {
      street: text(raw.street, 'street', 200),
      number: text(raw.number, 'number', 20),
      complement: raw.complement == null ? null : text(raw.complement, 'complement', 100),
      district: text(raw.district, 'district', 100),
      city: text(raw.city, 'city', 100),
      state: text(raw.state, 'state', 50),
      postalCode: text(raw.postalCode, 'postalCode', 16),
      country,
    };
  });
  return { name, email, phone, document, birthDate, addresses };
}

function parseJson(body: string): Record<string, unknown> {
  try {
    return JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new BadRequest('malformed JSON');
  }
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max)
    throw new BadRequest(`${field} must be text of 1..${max}`);
  return value;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new BadRequest('body too large'));
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function json(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  response.end(text);
}

function problem(response: ServerResponse, status: number, title: string, detail: string): void {
  if (response.headersSent) return;
  const text = JSON.stringify({ type: 'about:blank', title, status, detail });
  response.writeHead(status, { 'Content-Type': 'application/problem+json', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

void main().catch((error: Error) => {
  console.error(`raw floor: ${error.message}`);
  process.exit(1);
});
