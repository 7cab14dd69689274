/**
 * The processes under test: the compiled service (API or relay), the raw floor's server and relay. Each runs in
 * its own Node process, one side at a time, its output in dist-bench/logs/. Memory is read from /proc.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { benchAuthEnv } from './auth';
import type { BenchConfig } from './config';

/** CustomerFlow, the hand-written raw floor, and the naive NestJS peer (bench/naive-nest). */
export type Side = 'service' | 'raw' | 'naive';

/** The sides BENCH_PROFILE asks to profile: the service for `1`, the raw floor too for `all`. */
export function profiledSides(config: BenchConfig): Side[] {
  return config.profile === 'all' ? ['service', 'raw'] : config.profile === 'service' ? ['service'] : [];
}

export interface Started {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  readonly log: string;
}

export interface NodeOptions {
  /** Extra node flags, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
  /** Gives the child an IPC channel (needed by the profiling preload). */
  readonly ipc?: boolean;
}

const children = new Set<ChildProcess>();

/** The relay app, if it has been built; the bench falls back to the API with OUTBOX_RELAY=inprocess. */
export function serviceRelayEntry(config: BenchConfig): {
  entry: string;
  kind: 'customerflow-relay' | 'customerflow-api';
} {
  const relay = join(config.root, 'dist/apps/customerflow-relay/src/main.js');
  return existsSync(relay)
    ? { entry: relay, kind: 'customerflow-relay' }
    : { entry: join(config.root, 'dist/apps/customerflow-api/src/main.js'), kind: 'customerflow-api' };
}

export function serviceApiEntry(config: BenchConfig): string {
  return join(config.root, 'dist/apps/customerflow-api/src/main.js');
}

export function rawEntry(config: BenchConfig, file: 'server' | 'relay-main'): string {
  return join(config.root, 'dist-bench/raw-floor', `${file}.js`);
}

/** The service's environment: production-like (auth on unless `auth: 'off'`), quiet, the bench database and exchange. */
export function serviceEnv(
  config: BenchConfig,
  port: number,
  relay: 'inprocess' | 'off',
  auth: 'on' | 'off' = 'on',
): NodeJS.ProcessEnv {
  return {
    ...(auth === 'on' ? benchAuthEnv : { AUTH_DISABLED: 'true' }),
    // The load comes from one client (one token, one address): a per-caller limit would measure the limiter.
    RATE_LIMIT_PER_MINUTE: '1000000',
    RATE_LIMIT_SENSITIVE_PER_MINUTE: '1000000',
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    // The heap limit the service is deployed with (npm start, deploy/kubernetes, docker-compose.yml).
    NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS ?? '--max-old-space-size=192',
    PORT: String(port),
    DATABASE_URL: config.databaseUrl,
    AMQP_URL: config.amqpUrl,
    AMQP_EXCHANGE: config.exchange,
    LOG_LEVEL: 'warn',
    // Its own commands queue; only the commands scenario publishes to it (the others leave it empty).
    AMQP_COMMANDS_QUEUE: config.commandsQueue,
    OUTBOX_RELAY: relay,
    OUTBOX_BATCH_SIZE: String(config.batchSize),
    OUTBOX_POLL_MS: String(config.pollMs),
    EVENTS_PUBLISHED: config.eventsPublished,
    ...(config.batchesInFlight === null ? {} : { OUTBOX_BATCHES_IN_FLIGHT: String(config.batchesInFlight) }),
  };
}

export function naiveEntry(config: BenchConfig): string {
  return join(config.root, 'dist-bench/naive-nest/main.js');
}

/** The naive peer reads only what its author would configure: where the database and the broker are. */
export function naiveEnv(config: BenchConfig, port: number): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: config.databaseUrl,
    AMQP_URL: config.amqpUrl,
    AMQP_EXCHANGE: config.exchange,
  };
}

export function rawEnv(config: BenchConfig, port: number, relay: 'inprocess' | 'off'): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_URL: config.databaseUrl,
    AMQP_URL: config.amqpUrl,
    AMQP_EXCHANGE: config.exchange,
    POOL_SIZE: String(config.poolSize),
    RELAY: relay,
    OUTBOX_BATCH_SIZE: String(config.batchSize),
    OUTBOX_POLL_MS: String(config.pollMs),
    EVENTS_PUBLISHED: config.eventsPublished,
  };
}

export function startNode(
  config: BenchConfig,
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  options: NodeOptions = {},
): Started {
  mkdirSync(config.logDir, { recursive: true });
  const log = join(config.logDir, `${name}.log`);
  const out = createWriteStream(log);
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), entry], {
    cwd: config.root,
    env,
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  children.add(child);
  child.once('exit', () => children.delete(child));
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  return { name, child, pid: child.pid, log };
}

/** Waits for GET /health/live to answer 200, or fails with the tail of the process's log. */
export async function waitForHttp(started: Started, port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (started.child.exitCode !== null)
      throw new Error(`${started.name} exited with ${started.child.exitCode}:\n${tail(started.log)}`);
    if ((await httpStatus(port, '/health/live')) === 200) return;
    await sleep(100);
  }
  throw new Error(`${started.name} did not answer /health/live within ${timeoutMs} ms:\n${tail(started.log)}`);
}

export function httpStatus(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** SIGTERM, then SIGKILL after `graceMs`. */
export async function stop(started: Started, graceMs = 10_000): Promise<void> {
  const { child } = started;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** The profiled run (profile-hook.ts preloaded): starts the sampling profiler in the child. */
export async function startProfiling(started: Started): Promise<void> {
  await ask(started, { type: 'bench:profile-start' }, 'bench:profile-started');
}

/** Stops it and has the child write the profile to `file`. */
export async function stopProfiling(started: Started, file: string): Promise<void> {
  await ask(started, { type: 'bench:profile-stop', file }, 'bench:profile-written');
}

/** The round trips to MariaDB the side has made so far, by statement shape (round-trip-hook.ts preloaded). */
export async function roundTripsOf(started: Started): Promise<Record<string, number>> {
  const answer = await ask<{ counts: Record<string, number> }>(
    started,
    { type: 'bench:round-trips' },
    'bench:round-trips-counted',
  );
  return answer.counts;
}

function ask<T = unknown>(started: Started, message: object, reply: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${started.name}: no ${reply} within 30 s`)), 30_000);
    const onMessage = (m: { type?: string; error?: string | null }) => {
      if (m?.type !== reply) return;
      clearTimeout(timer);
      started.child.off('message', onMessage);
      if (m.error) reject(new Error(m.error));
      else resolve(m as T);
    };
    started.child.on('message', onMessage);
    started.child.send(message);
  });
}

/** Kills whatever is still running when the bench itself is interrupted. Only the bench's own children. */
export function killAllChildren(): void {
  for (const child of children) child.kill('SIGKILL');
}

/** VmRSS and VmHWM (peak resident set) of a process, in MB. */
export function memoryOf(pid: number): { rssMb: number; hwmMb: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMb: kb('VmRSS') / 1024, hwmMb: kb('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

/** CPU time (user + system) a process has used so far, in ms. */
export function cpuMsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after "pid (comm) ".
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

const CLOCK_TICKS = 100;

/** Samples RSS every `everyMs` until stopped; returns the highest sample. */
export function sampleRss(pid: number, everyMs = 100): () => number {
  let max = 0;
  const timer = setInterval(() => {
    const memory = memoryOf(pid);
    if (memory && memory.rssMb > max) max = memory.rssMb;
  }, everyMs);
  return () => {
    clearInterval(timer);
    return max;
  };
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
