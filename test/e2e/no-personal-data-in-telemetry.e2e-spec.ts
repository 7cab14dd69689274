/**
 * No personal data and no secret in logs, spans or metrics. The compiled API runs as a process at LOG_LEVEL=trace
 * (every request logged), with auth on and spans exported as OTLP/JSON to a collector this test serves on
 * 127.0.0.1. A customer is registered, updated, listed by email, by document and by name prefix, a request fails on
 * purpose (a 500, whose URL the service logs), and the customer is erased. Then every log line, every exported span
 * and the /metrics page are searched for each personal value and each secret the test used: zero hits. Runs on SQLite
 * and, in the integration suite, on MariaDB + RabbitMQ.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, parseDatabaseUrl } from '../../libs/platform/src';
import { type ApiProcess, startApiProcess } from '../support/api-process';
import { authEnv, mintToken } from '../support/auth';
import { aValidCpf } from '../support/customer-bodies';
import { isIntegration } from '../support/test-app';

const unique = `${Date.now().toString(36)}${randomInt(1e6)}`;
const person = {
  name: `Wanderleia Brochado ${unique}`,
  email: `wb.${unique}@example.net`,
  phone: `+55319${String(randomInt(1e8)).padStart(8, '0')}`,
  document: { type: 'CPF', number: aValidCpf() },
  birthDate: '1968-11-23',
  addresses: [
    {
      street: `Rua Jacuí ${unique}`,
      number: '12',
      complement: null,
      district: `Floresta ${unique}`,
      city: 'Belo Horizonte',
      state: 'MG',
      postalCode: String(30_000_000 + randomInt(9_999_999)),
      country: 'BR',
    },
  ],
};
const newPhone = `+55319${String(randomInt(1e8)).padStart(8, '0')}`;
const cookie = `session=${randomBytes(12).toString('hex')}`;
const apiKey = randomBytes(12).toString('hex');

let collector: Server;
const spans: string[] = [];
let api: ApiProcess;
let token: string;
let sqliteFile: string | null = null;
const databaseUrl = () => (isIntegration ? process.env.DATABASE_URL! : `sqlite:${sqliteFile}`);

beforeAll(async () => {
  collector = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      spans.push(body);
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  if (!isIntegration) sqliteFile = join(tmpdir(), `customerflow-telemetry-${unique}.sqlite`);
  token = await mintToken({ subject: 'auditor-7', clientId: 'backoffice' });
  api = await startApiProcess({
    ...authEnv(),
    LOG_LEVEL: 'trace',
    DATABASE_URL: databaseUrl(),
    ...(isIntegration ? { AMQP_URL: process.env.AMQP_URL! } : {}),
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_SERVICE_NAME: 'customerflow-telemetry-test',
  });
}, 60_000);

afterAll(async () => {
  await api?.stop();
  await new Promise((resolve) => collector.close(resolve));
  if (sqliteFile) for (const suffix of ['', '-wal', '-shm']) rmSync(`${sqliteFile}${suffix}`, { force: true });
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${api.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      cookie,
      'x-api-key': apiKey,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
}

/** Renames `customers` away for one request, so it fails inside the service with a 500 (which is logged). */
async function withCustomersTableMissing(work: () => Promise<void>): Promise<void> {
  const dataSource = new DataSource(dataSourceOptions(parseDatabaseUrl('DATABASE_URL', databaseUrl())));
  await dataSource.initialize();
  const rename = (from: string, to: string) =>
    dataSource.query(
      dataSource.options.type === 'better-sqlite3'
        ? `ALTER TABLE ${from} RENAME TO ${to}`
        : `RENAME TABLE ${from} TO ${to}`,
    );
  await rename('customers', 'customers_hidden');
  try {
    await work();
  } finally {
    await rename('customers_hidden', 'customers');
    await dataSource.destroy();
  }
}

it('logs, traces and measures the whole life of a customer without its personal data or any secret', async () => {
  const created = await call('POST', '/v1/customers', person);
  expect(created.status).toBe(201);
  const { id } = JSON.parse(created.body) as { id: string };
  expect((await call('PATCH', `/v1/customers/${id}`, { phone: newPhone }, { 'if-match': '"1"' })).status).toBe(200);
  const byEmail = `/v1/customers?email=${encodeURIComponent(person.email)}`;
  expect((await call('GET', byEmail)).status).toBe(200);
  expect((await call('GET', `/v1/customers?document=${person.document.number}`)).status).toBe(200);
  expect((await call('GET', `/v1/customers?q=${encodeURIComponent(person.name.slice(0, 14))}`)).status).toBe(200);
  await withCustomersTableMissing(async () => {
    expect((await call('GET', `${byEmail}&document=${person.document.number}`)).status).toBe(500);
  });
  expect((await call('DELETE', `/v1/customers/${id}`)).status).toBe(204);
  const metrics = await fetch(`${api.url}/metrics`).then((r) => r.text());
  await new Promise((r) => setTimeout(r, 500)); // the span processor exports every 100 ms
  const { code } = await api.stop();
  expect(code).toBe(0);

  const logs = api.lines.join('\n');
  // The test would prove nothing if the requests had not been logged and traced at all.
  expect(logs).toContain('/v1/customers?email=');
  expect(logs).toMatch(/"authorization":"\[redacted\]"/);
  expect(logs).toMatch(/failed/);
  expect(logs).toMatch(/EraseCustomer\.erase id=\d+ by sub=auditor-7 client_id=backoffice/);
  expect(spans.join('')).toContain('/v1/customers');

  const secrets = [token, token.split('.')[2], cookie, apiKey];
  const personal = [
    person.name,
    person.name.slice(0, 14),
    person.email,
    encodeURIComponent(person.email),
    person.phone,
    newPhone,
    person.document.number,
    person.birthDate,
    person.addresses[0].street,
    person.addresses[0].district,
    person.addresses[0].postalCode,
  ];
  const found = (where: string, text: string) =>
    [...secrets, ...personal].filter((value) => text.includes(value)).map((value) => `${where}: ${value}`);
  expect([...found('logs', logs), ...found('spans', spans.join('\n')), ...found('metrics', metrics)]).toEqual([]);
}, 60_000);
