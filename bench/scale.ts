/**
 * `npm run bench:scale` (not in CI): does the cost of a request stay flat as the data grows? In one run, the same
 * figures on a small database (100,000 customers, an empty outbox) and a large one (1,000,000 customers and
 * 2,000,000 published outbox rows kept for retention): get by id, the list page in each sort, the email and the
 * document lookups, the `q` name prefix, register, and the drain of a fresh backlog of 100,000 rows on top of
 * what is there; EXPLAIN of every read statement (a plan that scans or sorts is flagged); and the retention job
 * deleting expired rows in small batches while registrations arrive at a sustained rate (rows deleted per second,
 * register p99 with and without it). Progress on stderr, the table on stdout, the figures in
 * bench/results/scale.json. Knobs (environment):
 *
 *   BENCH_SCALE_SMALL_CUSTOMERS  100000    BENCH_SCALE_CUSTOMERS       1000000   BENCH_SCALE_OUTBOX_ROWS  2000000
 *   BENCH_SCALE_BACKLOG          100000    BENCH_SCALE_EXPIRED_ROWS    200000    BENCH_SCALE_EVENT_RATE   500
 *   BENCH_SCALE_DURATION_S       10        BENCH_SCALE_CONNECTIONS     32
 *
 * plus bench's own BENCH_DATABASE_URL, BENCH_AMQP_URL, BENCH_PORT, BENCH_WARMUP_S, BENCH_BATCH_SIZE.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type autocannon = require('autocannon');
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { prepareBenchToken } from './support/auth';
import { BenchBroker } from './support/broker';
import { loadConfig } from './support/config';
import type { BenchContext } from './support/context';
import { withHttpSide } from './support/context';
import { cpfOf, registrationBody } from './support/customers-data';
import {
  connectBench,
  emptyTables,
  explain,
  pendingOutboxRows,
  type Plan,
  prepareDatabase,
  seedCustomers,
  seedOutbox,
  serverVersion,
} from './support/database';
import { hammer, type LoadResult } from './support/load';
import { describeMachine } from './support/machine';
import {
  cpuMsOf,
  killAllChildren,
  serviceEnv,
  serviceRelayEntry,
  sleep,
  type Started,
  startNode,
  stop,
  waitForHttp,
} from './support/processes';
import { Progress } from './support/progress';
import { round } from './support/stats';

interface ScaleConfig {
  readonly smallCustomers: number;
  readonly customers: number;
  readonly outboxRows: number;
  readonly backlog: number;
  readonly expiredRows: number;
  readonly eventRate: number;
  readonly durationS: number;
  readonly connections: number;
}

function scaleConfig(env: NodeJS.ProcessEnv = process.env): ScaleConfig {
  const int = (name: string, fallback: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a whole number (got "${raw}")`);
    return Number(raw);
  };
  return {
    smallCustomers: int('BENCH_SCALE_SMALL_CUSTOMERS', 100_000),
    customers: int('BENCH_SCALE_CUSTOMERS', 1_000_000),
    outboxRows: int('BENCH_SCALE_OUTBOX_ROWS', 2_000_000),
    backlog: int('BENCH_SCALE_BACKLOG', 100_000),
    expiredRows: int('BENCH_SCALE_EXPIRED_ROWS', 200_000),
    eventRate: int('BENCH_SCALE_EVENT_RATE', 500),
    durationS: int('BENCH_SCALE_DURATION_S', 10),
    connections: int('BENCH_SCALE_CONNECTIONS', 32),
  };
}

interface Figure {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  cpuMsPerRequest: number;
  /** InnoDB pages read from disk (not found in the buffer pool) during the run, per request. */
  diskReadsPerRequest: number;
}

interface SizeResult {
  customers: number;
  outboxRows: number;
  endpoints: Record<string, Figure>;
  drainRowsPerSec: number | null;
  plans: Record<string, Plan[]>;
  scanning: string[];
}

/** The service's list statement for `criteria`. */
type ListSql = (criteria: Record<string, unknown>, rowLimit: number) => { sql: string; parameters: unknown[] };

/** The read side's statements, from the compiled service, so EXPLAIN sees the real text. */
interface ReadSql {
  readonly listCustomersSql: ListSql;
  readonly customerWithAddressesSql: string;
}

async function main(): Promise<void> {
  const config = loadConfig();
  const scale = scaleConfig();
  const progress = new Progress();
  await prepareBenchToken();
  const readSql: ReadSql = {
    listCustomersSql: compiled<{ listCustomersSql: ListSql }>(
      config.root,
      'dist/libs/customers/src/application/queries/list-customers/list-sql.js',
    ).listCustomersSql,
    customerWithAddressesSql: compiled<{ CUSTOMER_WITH_ADDRESSES_SQL: string }>(
      config.root,
      'dist/libs/customers/src/application/queries/customer-rows.js',
    ).CUSTOMER_WITH_ADDRESSES_SQL,
  };
  progress.begin(`preparing ${config.databaseName}`);
  await prepareDatabase(config);
  const db = connectBench(config);
  const broker = await BenchBroker.open(config);
  const ctx: BenchContext = { config, progress, db, broker, notes: [] };
  const machine = describeMachine(await serverVersion(db), broker.version);
  // The large size's data outgrows a default buffer pool (128 MB), so its reads depend on this setting.
  const poolMb = await bufferPoolMb(db);
  const sizes: Array<{ label: string; customers: number; outboxRows: number }> = [
    { label: 'small', customers: scale.smallCustomers, outboxRows: 0 },
    { label: 'large', customers: scale.customers, outboxRows: scale.outboxRows },
  ];
  const results: Record<string, SizeResult> = {};
  let retention: Awaited<ReturnType<typeof retentionRun>> | undefined;
  try {
    for (const size of sizes) {
      results[size.label] = await measureSize(ctx, scale, size, readSql);
    }
    retention = await retentionRun(ctx, scale);
  } finally {
    await broker.close();
    await db.end();
  }
  progress.done();
  const out = {
    machine: `${machine.description}, innodb_buffer_pool_size ${poolMb} MB`,
    date: new Date().toISOString(),
    settings: scale,
    sizes: results,
    retention: retention ?? null,
    notes: ctx.notes,
  };
  const file = resolve(config.root, process.env.BENCH_SCALE_RESULTS ?? 'bench/results/scale.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
  process.stdout.write(`${renderScale(out)}\nwritten: ${file}\n`);
}

async function measureSize(
  ctx: BenchContext,
  scale: ScaleConfig,
  size: { label: string; customers: number; outboxRows: number },
  readSql: ReadSql,
): Promise<SizeResult> {
  const { db, progress } = ctx;
  progress.begin(`${size.label}: seeding ${size.customers} customers`);
  await emptyTables(db);
  await seedCustomers(db, size.customers, (done) => progress.update(`${done}`));
  if (size.outboxRows > 0) {
    progress.begin(`${size.label}: seeding ${size.outboxRows} published outbox rows (kept for retention)`);
    await seedOutbox(db, size.outboxRows, (done) => progress.update(`${done}`), {
      publishedAt: new Date(Date.now() - 3_600_000),
    });
  }
  const n = size.customers;
  const random = seededRandom(size.customers);
  const pick = () => 1 + Math.floor(random() * n);
  const endpoints: Array<[string, () => autocannon.RequestSpec[]]> = [
    ['get by id', () => [{ method: 'GET', setupRequest: path(() => `/v1/customers/${pick()}`) }]],
    ...(['-createdAt', 'createdAt', 'name', '-name'] as const).map((sort): [string, () => autocannon.RequestSpec[]] => [
      `list sort=${sort}`,
      () => [{ method: 'GET', path: `/v1/customers?limit=50&sort=${sort}` }],
    ]),
    [
      'email lookup',
      () => [{ method: 'GET', setupRequest: path(() => `/v1/customers?email=seed-${pick()}%40bench.example.com`) }],
    ],
    [
      'document lookup',
      () => [{ method: 'GET', setupRequest: path(() => `/v1/customers?document=${cpfOfSeed(pick())}`) }],
    ],
    // A typeahead sorts by name, which the name index serves in order; the default sort (newest first) has to sort
    // every customer the prefix matches, and a prefix matches more of them as the table grows.
    [
      'q name prefix, sort=name',
      () => [{ method: 'GET', path: '/v1/customers?q=Carla%20Souza%201&sort=name&limit=50' }],
    ],
    ['q name prefix, default sort', () => [{ method: 'GET', path: '/v1/customers?q=Carla%20Souza%201&limit=50' }]],
    ['register', registrations(size.label)],
  ];
  const figures: Record<string, Figure> = {};
  await withHttpSide(ctx, 'service', `scale-${size.label}`, async (started) => {
    for (const [name, requests] of endpoints) {
      progress.begin(`${size.label} (${n} customers, ${size.outboxRows} outbox rows): ${name}`);
      figures[name] = await measured(ctx, started, scale, requests);
    }
  });
  const plans = await explainScale(db, n, readSql);
  const scanning = Object.entries(plans)
    .filter(([, plan]) => plan.some((p) => p.type === 'ALL' || /filesort/i.test(p.extra ?? '')))
    .map(([name]) => name);
  if (scanning.length > 0) ctx.notes.push(`${size.label}: plans that scan or sort: ${scanning.join(', ')}`);
  const drainRowsPerSec = await drainBacklog(ctx, scale, size.label, n);
  return { customers: n, outboxRows: size.outboxRows, endpoints: figures, drainRowsPerSec, plans, scanning };
}

/** Warm-up, then the measured run; CPU per request from /proc, as `npm run bench` does. */
async function measured(
  ctx: BenchContext,
  started: Started,
  scale: ScaleConfig,
  requests: () => autocannon.RequestSpec[],
  overallRate?: number,
): Promise<Figure> {
  const port = ctx.config.port;
  await hammer({ port, connections: scale.connections, durationS: ctx.config.warmupS, requests: requests() });
  const cpuBefore = cpuMsOf(started.pid);
  const diskReadsBefore = await bufferPoolDiskReads(ctx.db);
  const result: LoadResult = await hammer({
    port,
    connections: scale.connections,
    durationS: scale.durationS,
    requests: requests(),
    ...(overallRate ? { overallRate } : {}),
  });
  const cpuMs = cpuMsOf(started.pid) - cpuBefore;
  const diskReads = (await bufferPoolDiskReads(ctx.db)) - diskReadsBefore;
  const requestsDone = Math.max(1, result.rps * result.durationS);
  return {
    rps: result.rps,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    errors: result.errors,
    cpuMsPerRequest: round(cpuMs / requestsDone, 3),
    diskReadsPerRequest: round(diskReads / requestsDone, 2),
  };
}

/** InnoDB's count of page reads that missed the buffer pool and went to disk, since the server started. */
async function bufferPoolDiskReads(db: Pool): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_reads'");
  return Number(rows[0]?.Value ?? 0);
}

async function bufferPoolMb(db: Pool): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>('SELECT @@innodb_buffer_pool_size AS size');
  return Math.round(Number(rows[0]?.size ?? 0) / 1_048_576);
}

/** Every read statement the measured endpoints run, explained on the seeded tables. */
async function explainScale(
  db: BenchContext['db'],
  customers: number,
  { listCustomersSql, customerWithAddressesSql }: ReadSql,
): Promise<Record<string, Plan[]>> {
  const criteria = {
    status: null,
    email: null,
    document: null,
    namePrefix: null,
    createdFrom: null,
    createdTo: null,
    sort: '-createdAt',
    limit: 50,
    after: null,
  };
  const list = (extra: Record<string, unknown>) => {
    const statement = listCustomersSql({ ...criteria, ...extra }, 51);
    return explain(
      db,
      statement.sql,
      [...statement.parameters].map((p) => (typeof p === 'bigint' ? String(p) : p)),
    );
  };
  const id = String(Math.ceil(customers / 2));
  return {
    'get by id': await explain(db, customerWithAddressesSql, [id]),
    'list sort=-createdAt': await list({ sort: '-createdAt' }),
    'list sort=createdAt': await list({ sort: 'createdAt' }),
    'list sort=name': await list({ sort: 'name' }),
    'list sort=-name': await list({ sort: '-name' }),
    'list status=active sort=-createdAt': await list({ status: 'active' }),
    'email lookup': await list({ email: `seed-${id}@bench.example.com` }),
    'document lookup': await list({ document: cpfOfSeed(Number(id)) }),
    'q name prefix, sort=name': await list({ namePrefix: 'Carla Souza 1', sort: 'name' }),
    'q name prefix, default sort': await list({ namePrefix: 'Carla Souza 1' }),
  };
}

/** A fresh backlog on top of what the outbox holds, drained by the service's relay process. */
async function drainBacklog(
  ctx: BenchContext,
  scale: ScaleConfig,
  label: string,
  customers: number,
): Promise<number | null> {
  const { config, db, progress, broker } = ctx;
  if (scale.backlog === 0) return null;
  progress.begin(`${label}: seeding a backlog of ${scale.backlog} rows`);
  await broker.purge();
  await seedOutbox(db, scale.backlog, (done) => progress.update(`${done}`), {
    keep: true,
    firstCustomer: customers + 1,
  });
  progress.begin(`${label}: draining ${scale.backlog} rows`);
  const { entry } = serviceRelayEntry(config);
  const started = startNode(config, `scale-drain-${label}`, entry, serviceEnv(config, config.port + 10, 'inprocess'));
  const t0 = Date.now();
  try {
    await waitForHttp(started, config.port + 10);
    const deadline = Date.now() + config.drainMaxS * 1000;
    let pending = await pendingOutboxRows(db);
    while (pending > 0 && Date.now() < deadline) {
      await sleep(250);
      pending = await pendingOutboxRows(db);
      progress.update(`${pending} pending`);
    }
    if (pending > 0) ctx.notes.push(`${label}: the drain stopped after ${config.drainMaxS} s with ${pending} pending`);
    return round((scale.backlog - pending) / ((Date.now() - t0) / 1000), 0);
  } finally {
    await stop(started);
  }
}

/**
 * Retention against a sustained event rate: `expiredRows` published rows older than the retention window, then
 * registrations at `eventRate` per second (one event each) for the run, first without a sweep (the baseline p99),
 * then with the service's own OutboxRetention deleting in its small batches beside them.
 */
async function retentionRun(ctx: BenchContext, scale: ScaleConfig) {
  const { config, db, progress } = ctx;
  const { OutboxRetention } = compiled<{
    OutboxRetention: new (
      dataSource: unknown,
      hours: number,
    ) => { purge(now?: Date, batchSize?: number): Promise<number>; stop(): Promise<void> };
  }>(config.root, 'dist/libs/outbox/src/outbox-retention.js');
  const platform = compiled<{
    dataSourceOptions(database: unknown, tuning: { poolSize: number }): DataSourceOptions;
    parseDatabaseUrl(variable: string, url: string): unknown;
  }>(config.root, 'dist/libs/platform/src/index.js');
  progress.begin(`retention: seeding ${scale.expiredRows} expired published rows`);
  await seedOutbox(db, scale.expiredRows, (done) => progress.update(`${done}`), {
    keep: true,
    publishedAt: new Date(Date.now() - 200 * 3_600_000), // older than the default 168 h
    firstCustomer: 10_000_000,
  });
  const dataSource = new DataSource(
    platform.dataSourceOptions(platform.parseDatabaseUrl('BENCH_DATABASE_URL', config.databaseUrl), { poolSize: 2 }),
  );
  await dataSource.initialize();
  try {
    return await withHttpSide(ctx, 'service', 'scale-retention', async (started) => {
      progress.begin(`retention: register at ${scale.eventRate}/s, no sweep`);
      const baseline = await measured(ctx, started, scale, registrations('retention-a'), scale.eventRate);
      progress.begin(`retention: register at ${scale.eventRate}/s while the sweep deletes`);
      const retention = new OutboxRetention(dataSource, 168);
      const t0 = Date.now();
      const sweeping = retention.purge();
      const during = await measured(ctx, started, scale, registrations('retention-b'), scale.eventRate);
      const sweepS = (Date.now() - t0) / 1000;
      await retention.stop();
      const deleted = await sweeping;
      const [rows] = await db.query<RowDataPacket[]>(
        'SELECT COUNT(*) AS n FROM outbox_messages WHERE published_at < ?',
        [new Date(Date.now() - 168 * 3_600_000)],
      );
      return {
        eventRate: scale.eventRate,
        expiredRows: scale.expiredRows,
        deleted,
        deletedPerSec: round(deleted / sweepS, 0),
        keptUp: deleted / sweepS >= scale.eventRate,
        expiredLeft: Number(rows[0]?.n),
        registerBaseline: baseline,
        registerDuringSweep: during,
      };
    });
  } finally {
    await dataSource.destroy();
  }
}

let registered = 0;
function registrations(tag: string): () => autocannon.RequestSpec[] {
  const run = `${tag}-${Date.now().toString(36)}`;
  return () => [
    {
      method: 'POST',
      path: '/v1/customers',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request: { body?: string | Buffer }) => {
        request.body = JSON.stringify(registrationBody(++registered, run));
        return request;
      },
    },
  ];
}

/** A module of the compiled service (dist/): the bench measures what `npm run build` produced, as it runs. */
function compiled<T>(root: string, file: string): T {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(resolve(root, file)) as T;
}

function path(next: () => string) {
  return (request: { path?: string }) => {
    request.path = next();
    return request;
  };
}

/** The seeded customer i's CPF (see customers-data.ts: cpfOf(100,000,000 + i)). */
function cpfOfSeed(i: number): string {
  return cpfOf(100_000_000 + i);
}

function seededRandom(seed: number): () => number {
  let state = seed % 2_147_483_647 || 1;
  return () => (state = (state * 16_807) % 2_147_483_647) / 2_147_483_647;
}

function renderScale(out: {
  machine: string;
  date: string;
  sizes: Record<string, SizeResult>;
  retention: Awaited<ReturnType<typeof retentionRun>> | null;
  notes: string[];
}): string {
  const small = out.sizes.small;
  const large = out.sizes.large;
  const lines = [`CustomerFlow bench:scale, ${out.date}`, `machine: ${out.machine}`, ''];
  if (small && large) {
    lines.push(
      `| figure | ${small.customers} customers, ${small.outboxRows} outbox rows | ${large.customers} customers, ${large.outboxRows} outbox rows | large / small (CPU per request) | within 1.25× |`,
      '| --- | --- | --- | --- | --- |',
    );
    for (const name of Object.keys(small.endpoints)) {
      const a = small.endpoints[name];
      const b = large.endpoints[name];
      if (!a || !b) continue;
      const growth = round(b.cpuMsPerRequest / Math.max(0.001, a.cpuMsPerRequest), 2);
      const cell = (f: Figure) =>
        `${f.rps} req/s, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, ${f.cpuMsPerRequest} ms CPU/req, ${f.diskReadsPerRequest} disk reads/req, ${f.errors} errors`;
      lines.push(`| ${name} | ${cell(a)} | ${cell(b)} | ${growth}× | ${growth <= 1.25 ? 'yes' : 'NO'} |`);
    }
    const drainGrowth =
      small.drainRowsPerSec && large.drainRowsPerSec ? round(small.drainRowsPerSec / large.drainRowsPerSec, 2) : null;
    lines.push(
      `| drain of a fresh backlog | ${small.drainRowsPerSec ?? '–'} rows/s | ${large.drainRowsPerSec ?? '–'} rows/s | ${drainGrowth ?? '–'}× (time) | ${drainGrowth === null ? '–' : drainGrowth <= 1.25 ? 'yes' : 'NO'} |`,
    );
    lines.push(
      '',
      `plans that scan or sort: small ${small.scanning.join(', ') || 'none'}; large ${large.scanning.join(', ') || 'none'}`,
    );
  }
  const r = out.retention;
  if (r) {
    lines.push(
      '',
      `retention at ${r.eventRate} events/s: deleted ${r.deleted} of ${r.expiredRows} expired rows, ${r.deletedPerSec} rows/s (${r.keptUp ? 'keeps up' : 'does NOT keep up'}); ` +
        `register p99 ${r.registerBaseline.p99Ms} ms without the sweep, ${r.registerDuringSweep.p99Ms} ms during it ` +
        `(${r.registerBaseline.rps} / ${r.registerDuringSweep.rps} req/s)`,
    );
  }
  if (out.notes.length > 0) lines.push('', 'notes:', ...out.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

process.on('SIGINT', () => {
  killAllChildren();
  process.exit(130);
});

main().catch((error: Error) => {
  killAllChildren();
  console.error(`\nbench:scale failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
