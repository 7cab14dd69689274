/**
 * `npm run bench`: CustomerFlow next to a hand-written raw floor, side by side in one run, on the local MariaDB and
 * RabbitMQ, load only to 127.0.0.1. Prints the table and writes bench/results/latest.json. See bench/README.md.
 *
 * The scenarios run one after the other, and within each the service and the raw floor run one at a time, each
 * in its own process: register, the same registrations as commands through RabbitMQ, commit-to-consumer (small tables), then get by id and the list page on 100,000
 * seeded customers, then the outbox drain on a 100,000-row backlog.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { commandsScenario } from './scenarios/commands';
import { commitToConsumerScenario } from './scenarios/commit-to-consumer';
import { outboxDrainScenario } from './scenarios/outbox-drain';
import { getByIdScenario, listScenario, readLatencyScenario } from './scenarios/reads';
import { registerScenario } from './scenarios/register';
import { prepareBenchToken } from './support/auth';
import { BenchBroker } from './support/broker';
import { loadConfig, type ScenarioName } from './support/config';
import type { BenchContext } from './support/context';
import {
  connectBench,
  emptyTables,
  prepareDatabase,
  seedCustomers,
  serverUptimeS,
  serverVersion,
} from './support/database';
import { describeMachine } from './support/machine';
import { httpStatus, killAllChildren, sleep } from './support/processes';
import { formatProfile } from './support/profile-summary';
import { Progress } from './support/progress';
import { renderTable, type Results } from './support/report';

async function main(): Promise<void> {
  const config = loadConfig();
  await prepareBenchToken();
  const progress = new Progress();
  const wants = (name: ScenarioName) => !config.only || config.only.has(name);
  const startedAt = Date.now();

  if ((await httpStatus(config.port, '/')) !== 0)
    throw new Error(`port ${config.port} is already in use; set BENCH_PORT`);
  progress.begin(`preparing ${config.databaseName} (create, migrate)`);
  await patiently(progress, 'MariaDB', () => prepareDatabase(config));
  const db = connectBench(config);
  const broker = await patiently(progress, 'RabbitMQ', () => BenchBroker.open(config));
  const ctx: BenchContext = { config, progress, db, broker, notes: [] };
  const machine = describeMachine(await serverVersion(db), broker.version);
  const results: Results = {
    machine: machine.description,
    machineDetails: machine,
    date: new Date().toISOString(),
    settings: {
      connections: config.connections,
      durationS: config.durationS,
      warmupS: config.warmupS,
      customers: config.customers,
      drainRows: config.drainRows,
      batchSize: config.batchSize,
      eventsPublished: config.eventsPublished,
      batchesInFlight: config.batchesInFlight ?? "the service's default",
      poolSize: config.poolSize,
      latencyRate: config.latencyRate,
      latencyDurationS: config.latencyDurationS,
      only: config.only ? [...config.only] : null,
    },
    scenarios: {},
    profiles: {},
    notes: ctx.notes,
  };

  try {
    if (wants('register')) {
      const out = await guarded(ctx, 'register', () => registerScenario(ctx));
      if (out) {
        results.scenarios.register = out.register;
        results.scenarios.memory = out.memory;
        Object.assign(results.profiles, out.profiles);
      }
    }
    if (wants('commands')) {
      const out = await guarded(ctx, 'commands', () => commandsScenario(ctx));
      if (out) results.scenarios.commands = { ...out, postsPerSec: results.scenarios.register?.rps ?? null };
    }
    if (wants('commitToConsumer')) {
      results.scenarios.commitToConsumer =
        (await guarded(ctx, 'commit-to-consumer', () => commitToConsumerScenario(ctx))) ?? undefined;
    }
    if (wants('getById') || wants('list') || wants('readLatency')) {
      const seeded = await guarded(ctx, 'seeding customers', async () => {
        progress.begin(`seeding ${config.customers} customers`);
        await emptyTables(db);
        await seedCustomers(db, config.customers, (done) => progress.update(`${done}`));
        return true;
      });
      if (seeded && wants('getById')) {
        const out = await guarded(ctx, 'get by id', () => getByIdScenario(ctx));
        if (out) {
          const { profiles, ...getById } = out;
          results.scenarios.getById = getById;
          Object.assign(results.profiles, profiles);
        }
      }
      if (seeded && wants('list')) {
        const out = await guarded(ctx, 'list', () => listScenario(ctx));
        if (out) {
          const { profiles, ...list } = out;
          results.scenarios.list = list;
          Object.assign(results.profiles, profiles);
        }
      }
      if (seeded && wants('readLatency')) {
        results.scenarios.readLatency =
          (await guarded(ctx, 'read latency', () => readLatencyScenario(ctx))) ?? undefined;
      }
    }
    if (wants('outboxDrain')) {
      const out = await guarded(ctx, 'outbox drain', () => outboxDrainScenario(ctx));
      if (out) {
        const { profiles, ...outboxDrain } = out;
        results.scenarios.outboxDrain = outboxDrain;
        Object.assign(results.profiles, profiles);
      }
    }
  } finally {
    await broker.close();
    await db.end();
  }
  results.elapsedS = Math.round((Date.now() - startedAt) / 1000);
  progress.done();

  mkdirSync(dirname(config.resultsFile), { recursive: true });
  writeFileSync(config.resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  for (const [name, profile] of Object.entries(results.profiles)) {
    process.stdout.write(
      `\nwhere the CPU went, ${name} (profiled run: ${profile.rps} req/s, ${profile.cpuMsPerRequest} ms CPU/req; ${profile.file}):\n${formatProfile(profile)}\n`,
    );
  }
  process.stdout.write(`\n${renderTable(results)}\nwritten: ${config.resultsFile}\n`);
}

/** Retries `open` for up to 2 minutes: on a shared machine another suite may have the server stopped for a while. */
async function patiently<T>(progress: Progress, what: string, open: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await open();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      progress.note(`${what} not reachable (${(error as Error).message.split('\n')[0]}); waiting`);
      await sleep(5000);
    }
  }
}

/**
 * Runs a scenario; if it failed, or RabbitMQ dropped the bench's connection or MariaDB restarted while it ran (the
 * fault suite does both on a shared machine), runs it once more after a pause. A second failure becomes a note.
 */
async function guarded<T>(ctx: BenchContext, name: string, scenario: () => Promise<T>): Promise<T | null> {
  let firstDisturbance = '';
  for (let attempt = 1; ; attempt++) {
    const drops = ctx.broker.drops;
    const uptimeBefore = await serverUptimeS(ctx.db).catch(() => null);
    const started = Date.now();
    let disturbance: string | null = null;
    let result: T | null = null;
    try {
      result = await scenario();
      const uptimeAfter = await serverUptimeS(ctx.db).catch(() => null);
      const restarted =
        uptimeBefore !== null && uptimeAfter !== null && uptimeAfter + 5 < uptimeBefore + (Date.now() - started) / 1000;
      if (ctx.broker.drops > drops) disturbance = 'the RabbitMQ connection dropped during the run';
      else if (restarted) disturbance = 'MariaDB restarted during the run';
    } catch (error) {
      disturbance = `failed: ${((error as Error).message ?? String(error)).split('\n')[0]}`;
    }
    if (disturbance === null) {
      if (attempt > 1) ctx.notes.push(`${name}: ran twice; the first run was disturbed (${firstDisturbance})`);
      return result;
    }
    firstDisturbance = disturbance;
    if (attempt >= 2) {
      ctx.notes.push(
        `${name}: ${disturbance}, twice (another suite restarting the broker or the database?)${result ? '; figures kept, treat them with care' : ''}`,
      );
      return result;
    }
    ctx.progress.note(`${name}: ${disturbance}; running it again in 15 s`);
    await sleep(15_000);
  }
}

process.on('SIGINT', () => {
  killAllChildren();
  process.exit(130);
});

main().catch((error: Error) => {
  killAllChildren();
  console.error(`\nbench failed: ${error.stack ?? error.message}`);
  process.exit(1);
});
