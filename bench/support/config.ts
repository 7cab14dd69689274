/**
 * The bench's knobs, all from the environment so a shorter or bigger run needs no code change. Load is only ever
 * sent to 127.0.0.1; DATABASE_URL and AMQP_URL may point elsewhere, but the bench refuses a database named like
 * the test databases, because it truncates every table it uses.
 */
import { resolve } from 'node:path';

export interface BenchConfig {
  /** The repository root (where dist/ and bench/ live). */
  readonly root: string;
  readonly databaseUrl: string;
  readonly databaseName: string;
  readonly amqpUrl: string;
  /** A bench-only exchange, so other suites' subscribers never see the bench's events. */
  readonly exchange: string;
  /** A bench-only queue bound to `customer.#`, the subscriber every published event reaches. */
  readonly sinkQueue: string;
  /** The bench's own commands queue (AMQP_COMMANDS_QUEUE of the service under test). */
  readonly commandsQueue: string;
  /** Register commands in the backlog of the commands scenario. */
  readonly commands: number;
  readonly port: number;
  readonly durationS: number;
  readonly warmupS: number;
  readonly connections: number;
  readonly customers: number;
  readonly drainRows: number;
  readonly drainMaxS: number;
  readonly batchSize: number;
  readonly pollMs: number;
  readonly poolSize: number;
  /**
   * EVENTS_PUBLISHED of the service and of the floor's relay, so both send the same messages per row:
   * BENCH_EVENTS_PUBLISHED, else `v1,v2` (the service's default while `.v1` is deprecated).
   */
  readonly eventsPublished: string;
  /** OUTBOX_BATCHES_IN_FLIGHT of the service (BENCH_BATCHES_IN_FLIGHT); null leaves the service's default. */
  readonly batchesInFlight: number | null;
  readonly latencyRate: number;
  readonly latencyDurationS: number;
  /** Rounds of register, get by id and the list page: the sides alternate, each in a fresh process, median taken. */
  readonly rounds: number;
  /** BENCH_PROFILE=1: profile the service in one extra run of register and get by id; =all: the raw floor too. */
  readonly profile: 'off' | 'service' | 'all';
  readonly only: ReadonlySet<string> | null;
  readonly logDir: string;
  readonly resultsFile: string;
}

export const SCENARIOS = [
  'register',
  'commands',
  'commitToConsumer',
  'getById',
  'list',
  'readLatency',
  'outboxDrain',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const root = resolve(__dirname, '..', '..');
  const databaseUrl = env.BENCH_DATABASE_URL ?? env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/customerflow_bench';
  const databaseName = new URL(databaseUrl).pathname.slice(1);
  if (!databaseName || /^(test|customerflow_it|customerflow)$/i.test(databaseName)) {
    throw new Error(
      `BENCH_DATABASE_URL must name a database of its own (got "${databaseName}"): the bench truncates its tables`,
    );
  }
  const exchange = env.BENCH_EXCHANGE ?? 'customerflow.bench.events';
  const only = env.BENCH_ONLY?.trim();
  if (only) {
    for (const name of only.split(',')) {
      if (!(SCENARIOS as readonly string[]).includes(name.trim()))
        throw new Error(`BENCH_ONLY: unknown scenario "${name}" (one of ${SCENARIOS.join(', ')})`);
    }
  }
  return {
    root,
    databaseUrl,
    databaseName,
    amqpUrl: env.BENCH_AMQP_URL ?? env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    exchange,
    sinkQueue: `${exchange}.sink`,
    commandsQueue: env.BENCH_COMMANDS_QUEUE ?? 'customerflow.bench.commands',
    commands: int(env, 'BENCH_COMMANDS', 20_000),
    port: int(env, 'BENCH_PORT', 3900),
    durationS: int(env, 'BENCH_DURATION_S', 10),
    warmupS: int(env, 'BENCH_WARMUP_S', 3),
    connections: int(env, 'BENCH_CONNECTIONS', 64),
    customers: int(env, 'BENCH_CUSTOMERS', 100_000),
    drainRows: int(env, 'BENCH_DRAIN_ROWS', 100_000),
    drainMaxS: int(env, 'BENCH_DRAIN_MAX_S', 120),
    batchSize: int(env, 'BENCH_BATCH_SIZE', 100),
    pollMs: int(env, 'BENCH_POLL_MS', 1000),
    poolSize: int(env, 'BENCH_POOL_SIZE', 20),
    eventsPublished: eventsPublished(env.BENCH_EVENTS_PUBLISHED),
    batchesInFlight: env.BENCH_BATCHES_IN_FLIGHT?.trim() ? int(env, 'BENCH_BATCHES_IN_FLIGHT', 0) : null,
    latencyRate: int(env, 'BENCH_LATENCY_RATE', 100),
    latencyDurationS: int(env, 'BENCH_LATENCY_DURATION_S', 10),
    rounds: int(env, 'BENCH_ROUNDS', 3),
    profile: env.BENCH_PROFILE === 'all' ? 'all' : env.BENCH_PROFILE === '1' ? 'service' : 'off',
    only: only ? new Set(only.split(',').map((s) => s.trim())) : null,
    logDir: resolve(root, 'dist-bench', 'logs'),
    resultsFile: resolve(root, env.BENCH_RESULTS ?? 'bench/results/latest.json'),
  };
}

function eventsPublished(raw: string | undefined): string {
  const versions = (raw?.trim() || 'v1,v2').split(',').map((version) => version.trim());
  if (versions.some((version) => version !== 'v1' && version !== 'v2') || new Set(versions).size !== versions.length)
    throw new Error(`BENCH_EVENTS_PUBLISHED must be v1, v2 or v1,v2 (got "${raw}")`);
  return versions.join(',');
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) <= 0) throw new Error(`${name} must be a positive whole number (got "${raw}")`);
  return Number(raw);
}
