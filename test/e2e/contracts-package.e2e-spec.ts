/**
 * `@customerflow/contracts` as a subscriber gets it: `npm pack` in libs/contracts, the tarball installed into a
 * scratch project outside the repository, and events the running service really wrote to its outbox validated there
 * with the package's validator; the package's TypeScript types compile in the subscriber's code, and the JSON
 * Schemas and the AsyncAPI document are in it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aRegistration } from '../support/customer-bodies';
import { startTestApp } from '../support/test-app';

const root = join(__dirname, '..', '..');
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });

let scratch: string;
let capturedEvents: unknown[];

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'customerflow-subscriber-'));
  // Events as the service wrote them: the outbox payloads are the message bodies, byte for byte.
  const t = await startTestApp();
  try {
    const created = await t.http().post('/v1/customers').send(aRegistration());
    expect(created.status).toBe(201);
    const changed = await t
      .http()
      .patch(`/v1/customers/${created.body.id}`)
      .set('If-Match', created.headers.etag)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ name: 'Ana Lima' });
    expect(changed.status).toBe(200);
    const rows: { payload: string }[] = await t.dataSource.query(
      'SELECT payload FROM outbox_messages ORDER BY position',
    );
    capturedEvents = rows.map((row) => JSON.parse(row.payload));
  } finally {
    await t.close();
  }

  npm(['pack', '--pack-destination', scratch], join(root, 'libs', 'contracts'));
  const [tarball] = readdirSync(scratch).filter((file) => file.endsWith('.tgz'));
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'subscriber', private: true }));
  npm(['install', `./${tarball}`, '--prefer-offline', '--no-audit', '--no-fund'], scratch);
}, 240_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it('validates the events the service published, as .v1 and as the .v2 the relay derives, and rejects a tampered one', () => {
  writeFileSync(join(scratch, 'events.json'), JSON.stringify(capturedEvents));
  writeFileSync(
    join(scratch, 'check.js'),
    `const { createCustomerEventValidator, customerEventPublications, routingKeyOf } = require('@customerflow/contracts');
const stored = require('./events.json');
const published = stored.flatMap((event) => customerEventPublications(['v1', 'v2'])(event.type, JSON.stringify(event)));
const events = published.map((publication) => JSON.parse(publication.payload));
const validate = createCustomerEventValidator();
const tampered = { ...events[0], data: { ...events[0].data, email: 42 } };
console.log(JSON.stringify({
  results: events.map((event) => ({ type: event.type, key: routingKeyOf(event.type), ...validate(event) })),
  tampered: validate(tampered),
}));`,
  );
  const output = JSON.parse(execFileSync(process.execPath, ['check.js'], { cwd: scratch, encoding: 'utf8' }));
  expect(output.results).toEqual([
    { type: 'customerflow.customer.registered.v1', key: 'customer.registered', valid: true, errors: [] },
    { type: 'customerflow.customer.registered.v2', key: 'v2.customer.registered', valid: true, errors: [] },
    { type: 'customerflow.customer.updated.v1', key: 'customer.updated', valid: true, errors: [] },
    { type: 'customerflow.customer.updated.v2', key: 'v2.customer.updated', valid: true, errors: [] },
  ]);
  expect(output.tampered).toEqual({ valid: false, errors: ['/data/email must be string'] });
});

it("ships the TypeScript types: a subscriber's handler type-checks against them, and a field a type lacks does not", () => {
  writeFileSync(
    join(scratch, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext', strict: true, noEmit: true, types: [] },
      files: ['handler.ts'],
    }),
  );
  // One compile proves both: `@ts-expect-error` fails the compile if the line below it is not an error.
  writeFileSync(
    join(scratch, 'handler.ts'),
    `import { type CustomerEvent, CustomerEventType } from '@customerflow/contracts';
export function handle(event: CustomerEvent): string {
  if (event.type === CustomerEventType.registered) return event.data.email;
  if (event.type === CustomerEventType.erased) {
    // @ts-expect-error erased events carry no personal data
    return event.data.email;
  }
  return event.sequence;
}
`,
  );
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  expect(() => execFileSync(process.execPath, [tsc, '-p', scratch], { cwd: scratch, encoding: 'utf8' })).not.toThrow();
});

it('ships the JSON Schemas and the AsyncAPI document, bundled and as files', () => {
  const output = execFileSync(
    process.execPath,
    [
      '-e',
      `const c = require('@customerflow/contracts');
const files = require('node:fs').readdirSync(require('node:path').join(require.resolve('@customerflow/contracts/package.json'), '..', 'src', 'schemas'));
console.log(JSON.stringify({ asyncapi: c.asyncApiDocument.asyncapi, types: [...Object.keys(c.customerEventSchemas), ...Object.keys(c.customerEventSchemasV2)], files: files.sort(),
  source: require('@customerflow/contracts/asyncapi.json').asyncapi }));`,
    ],
    { cwd: scratch, encoding: 'utf8' },
  );
  const shipped = JSON.parse(output);
  expect(shipped.asyncapi).toBe('3.1.0');
  expect(shipped.source).toBe('3.1.0');
  expect(shipped.types).toHaveLength(10);
  expect(shipped.files).toEqual(
    expect.arrayContaining([
      'customer.defs.schema.json',
      ...shipped.types.map((type: string) => `${type}.schema.json`),
    ]),
  );
});
