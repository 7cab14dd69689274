/**
 * outbox drain: a backlog of 100,000 pending customer.registered rows (one aggregate each, payloads like the
 * service's), drained by 1 and then 2 relay processes of the service (apps/customerflow-relay; the API with
 * OUTBOX_RELAY=inprocess until that app exists) and of the hand-written relay, same batch size, same messages per
 * row (EVENTS_PUBLISHED), each on a freshly seeded backlog. Order: service ×1, raw ×1, service ×2, raw ×2.
 *
 * Rows per second come from the rows' own marks: (rows published − rows in the first batch mark) / (last mark −
 * first mark). That leaves process start-up (Nest boots in about a second, the raw relay in a tenth) out of the
 * rate; the wall-clock rate including start-up is reported beside it. A run stops at BENCH_DRAIN_MAX_S; the rate
 * is then over the rows drained so far and the run is marked partial.
 */
import { type BenchContext, SIDE_LABEL } from '../support/context';
import { explainRelay, type Plan, pendingOutboxRows, publishedSpan, seedOutbox } from '../support/database';
import {
  rawEntry,
  rawEnv,
  serviceEnv,
  serviceRelayEntry,
  profiledSides,
  type Side,
  sleep,
  type Started,
  startNode,
  startProfiling,
  stop,
  stopProfiling,
} from '../support/processes';
import { join } from 'node:path';
import { watchForeignCpu } from '../support/foreign-cpu';
import { type ScenarioProfile, summarizeProfile } from '../support/profile-summary';
import { ratio, round } from '../support/stats';

interface DrainRun {
  rowsPerSec: number | null;
  wallRowsPerSec: number;
  published: number;
  seconds: number;
  partial: boolean;
  sinkMessages: number;
  /** CPU other work took meanwhile, in cores (see foreign-cpu.ts). */
  foreignCpuCores: number;
}

let plans: Record<string, Plan[]> | null = null;

/** `profileFile`: the one relay runs with the profiling hook, profiled from its start until the backlog is drained. */
async function drain(ctx: BenchContext, side: Side, relays: number, profileFile?: string): Promise<DrainRun> {
  const { config, progress, db, broker } = ctx;
  const label = `outbox drain · ${SIDE_LABEL[side]} × ${relays}${profileFile ? ' (profiled)' : ''}`;
  progress.begin(`${label} · seeding ${config.drainRows} rows`);
  await broker.purge();
  await seedOutbox(db, config.drainRows, (done) => progress.update(`seeded ${done}`));
  plans ??= await explainRelay(db, config.batchSize);
  progress.begin(label);
  const processes: Started[] = [];
  const t0 = Date.now();
  for (let i = 0; i < relays; i++) {
    const port = config.port + 10 + i;
    const hook = profileFile
      ? { nodeArgs: ['-r', join(config.root, 'dist-bench/support/profile-hook.js')], ipc: true }
      : {};
    const name = `drain-${side}-${relays}-${i}${profileFile ? '-profiled' : ''}`;
    processes.push(
      side === 'service'
        ? startNode(config, name, serviceRelayEntry(config).entry, serviceEnv(config, port, 'inprocess'), hook)
        : startNode(config, name, rawEntry(config, 'relay-main'), rawEnv(config, port, 'inprocess'), hook),
    );
  }
  if (profileFile) await startProfiling(processes[0]);
  const foreign = watchForeignCpu(processes.map((p) => p.pid));
  let pending = config.drainRows;
  let partial = false;
  let foreignCpuCores: number;
  try {
    while (pending > 0) {
      await sleep(500);
      for (const p of processes)
        if (p.child.exitCode !== null) throw new Error(`${p.name} exited with ${p.child.exitCode}; see ${p.log}`);
      pending = await pendingOutboxRows(db);
      const elapsed = (Date.now() - t0) / 1000;
      progress.update(`${config.drainRows - pending} published, ${pending} pending, ${elapsed.toFixed(0)} s`);
      if (elapsed > config.drainMaxS) {
        partial = true;
        break;
      }
    }
    if (profileFile) await stopProfiling(processes[0], profileFile);
  } finally {
    foreignCpuCores = foreign();
    await Promise.all(processes.map((p) => stop(p)));
  }
  const seconds = (Date.now() - t0) / 1000;
  const span = await publishedSpan(db);
  const markSeconds = span.first && span.last ? (span.last.getTime() - span.first.getTime()) / 1000 : 0;
  const rowsPerSec = markSeconds > 0 ? round((span.published - span.inFirstMark) / markSeconds, 0) : null;
  if (partial)
    ctx.notes.push(
      `outbox drain (${SIDE_LABEL[side]} × ${relays}): stopped after ${config.drainMaxS} s with ${pending} rows pending`,
    );
  return {
    rowsPerSec,
    wallRowsPerSec: round(span.published / seconds, 0),
    published: span.published,
    seconds: round(seconds, 1),
    partial,
    sinkMessages: await broker.sinkDepth(),
    foreignCpuCores,
  };
}

export async function outboxDrainScenario(ctx: BenchContext) {
  const relayProcess = serviceRelayEntry(ctx.config).kind;
  if (relayProcess === 'customerflow-api') {
    ctx.notes.push(
      'outbox drain: dist/apps/customerflow-relay/src/main.js does not exist yet; the service side ran the API with OUTBOX_RELAY=inprocess as its relay process (the same OutboxRelay)',
    );
  }
  const service1 = await drain(ctx, 'service', 1);
  const raw1 = await drain(ctx, 'raw', 1);
  const service2 = await drain(ctx, 'service', 2);
  const raw2 = await drain(ctx, 'raw', 2);
  // Named as the HTTP scenarios' profiles are (rps, CPU per request), a "request" here being a row published.
  const profiles: Record<string, ScenarioProfile> = {};
  for (const side of profiledSides(ctx.config)) {
    const file = join(ctx.config.root, 'bench', 'results', `outbox-drain-${side}.cpuprofile`);
    const profiled = await drain(ctx, side, 1, file);
    const summary = summarizeProfile(file, 25, profiled.published);
    profiles[`outbox drain ${SIDE_LABEL[side]}`] = {
      ...summary,
      rps: profiled.rowsPerSec ?? 0,
      cpuMsPerRequest: round(summary.busyMs / Math.max(1, profiled.published), 3),
      file,
    };
  }
  await ctx.broker.purge();
  return {
    rowsPerSec: service1.rowsPerSec,
    rawRowsPerSec: raw1.rowsPerSec,
    ratio: ratio(service1.rowsPerSec, raw1.rowsPerSec),
    twoRelays: {
      rowsPerSec: service2.rowsPerSec,
      rawRowsPerSec: raw2.rowsPerSec,
      ratio: ratio(service2.rowsPerSec, raw2.rowsPerSec),
    },
    rows: ctx.config.drainRows,
    batchSize: ctx.config.batchSize,
    eventsPublished: ctx.config.eventsPublished,
    relayProcess:
      relayProcess === 'customerflow-relay'
        ? 'apps/customerflow-relay'
        : 'apps/customerflow-api with OUTBOX_RELAY=inprocess (relay app not built yet)',
    runs: { service1, raw1, service2, raw2 },
    explain: plans,
    profiles,
  };
}
