/** The results file's shape and the table printed at the end (also pasted into bench/README.md). */
import type { Machine } from './machine';
import type { ScenarioProfile } from './profile-summary';

type Num = number | null;

interface RoundTripFigures {
  perRegistration: number;
  byShape: Record<string, number>;
  registrations: number;
}

interface HttpFigures {
  /** req/s of every round, per side, in the order run (the table shows each side's median round). */
  roundsRps?: Record<string, number[]>;
  rps: Num;
  p50Ms: Num;
  p99Ms: Num;
  errors: Num;
  rawRps: Num;
  rawP50Ms: Num;
  rawP99Ms: Num;
  rawErrors: Num;
  ratio: Num;
  cpuMsPerRequest: Num;
  rawCpuMsPerRequest: Num;
  /** The same scenario on the service with AUTH_DISABLED=true, in the same run. */
  authOff?: { rps: Num; p50Ms: Num; p99Ms: Num; errors: Num; cpuMsPerRequest: Num };
  /** The naive NestJS peer (bench/naive-nest), and CustomerFlow's throughput as a multiple of it. */
  naiveRps?: Num;
  naiveP50Ms?: Num;
  naiveP99Ms?: Num;
  naiveErrors?: Num;
  naiveCpuMsPerRequest?: Num;
  timesNaive?: Num;
}

export interface Results {
  machine: string;
  machineDetails: Machine;
  date: string;
  settings: Record<string, unknown>;
  scenarios: {
    register?: HttpFigures & {
      roundTrips?: RoundTripFigures | null;
      rawRoundTrips?: RoundTripFigures | null;
      /** The service again with ID_STRATEGY=hilo, same run. */
      hilo?: {
        rps: Num;
        p50Ms: Num;
        p99Ms: Num;
        errors: Num;
        cpuMsPerRequest: Num;
        blockSize: number;
        toAutoIncrement: Num;
        roundTrips: RoundTripFigures | null;
      };
      naiveRoundTrips?: RoundTripFigures | null;
    };
    getById?: HttpFigures;
    list?: HttpFigures & { serviceEndpoint: string };
    outboxDrain?: {
      rowsPerSec: Num;
      rawRowsPerSec: Num;
      ratio: Num;
      twoRelays: { rowsPerSec: Num; rawRowsPerSec: Num; ratio: Num };
      batchSize: number;
      /** The versions each row went out in, on both sides (BENCH_EVENTS_PUBLISHED). */
      eventsPublished: string;
      rows: number;
      relayProcess: string;
    };
    commitToConsumer?: {
      p50Ms: Num;
      p99Ms: Num;
      maxMs: Num;
      acknowledged: number;
      delivered: number;
      fromOccurredAt: { p50Ms: Num; p99Ms: Num; maxMs: Num };
      raw: { p50Ms: Num; p99Ms: Num; maxMs: Num };
      /** The same with the API on OUTBOX_RELAY=off and customerflow-relay in its own process (deploy/kubernetes). */
      relayProcess?: { p50Ms: Num; p99Ms: Num; maxMs: Num };
    };
    memory?: { peakRssMb: number; sampledMaxRssMb: number; rawPeakRssMb: number };
    commands?: {
      commandsPerSec: Num;
      commands: number;
      applied: number;
      prefetch: number;
      seconds: Num;
      queue: string;
      /** POST /v1/customers per second in the same run (the register scenario), for comparison. */
      postsPerSec: Num;
    };
    readLatency?: {
      rate: number;
      getP50Ms: number;
      getP99Ms: number;
      listP50Ms: number;
      listP99Ms: number;
      listToGetP99: number;
      raw: { getP50Ms: number; getP99Ms: number; listP50Ms: number; listP99Ms: number; listToGetP99: number };
    };
  };
  /** BENCH_PROFILE=1: where the service's CPU went in an extra, profiled run of these scenarios. */
  profiles: Record<string, ScenarioProfile>;
  notes: string[];
  elapsedS?: number;
}

export const TARGETS = {
  register: 0.45,
  getById: 0.6,
  list: 0.7,
  outboxDrain: 1.0,
  commitToConsumerP50Ms: 5,
  commitToConsumerP99Ms: 10,
  peakRssMb: 150,
  /** CustomerFlow's throughput as a multiple of the naive NestJS peer's. */
  registerTimesNaive: 1.25,
  getByIdTimesNaive: 2,
  listTimesNaive: 2,
};

const f = (value: Num | undefined, digits = 0) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
const pct = (value: Num | undefined) => (value === null || value === undefined ? '–' : `${Math.round(value * 100)}%`);
const verdict = (ok: boolean | null) => (ok === null ? '–' : ok ? 'met' : 'MISSED');

function collectLoads(value: unknown): number[] {
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, v]) =>
    /foreignCpuCores$/i.test(key) && typeof v === 'number' ? [v] : collectLoads(v),
  );
}

export function renderTable(results: Results): string {
  const s = results.scenarios;
  const rows: string[][] = [
    [
      'scenario',
      'CustomerFlow',
      'raw floor',
      'ratio',
      'target',
      'verdict',
      'naive NestJS',
      '× naive',
      'target',
      'verdict',
    ],
  ];
  const noNaive = ['–', '–', '–', '–'];
  const http = (name: string, r: HttpFigures | undefined, target: number | null, timesNaive: number | null) => {
    if (!r) return;
    rows.push([
      name,
      r.rps === null
        ? 'not measured'
        : `${f(r.rps)} req/s, p50 ${f(r.p50Ms)} ms, p99 ${f(r.p99Ms)} ms, ${f(r.errors)} errors, ${f(r.cpuMsPerRequest, 2)} ms CPU/req`,
      `${f(r.rawRps)} req/s, p50 ${f(r.rawP50Ms)} ms, p99 ${f(r.rawP99Ms)} ms, ${f(r.rawErrors)} errors, ${f(r.rawCpuMsPerRequest, 2)} ms CPU/req`,
      pct(r.ratio),
      target === null ? '–' : `≥ ${Math.round(target * 100)}%`,
      target === null || r.ratio === null ? '–' : verdict(r.ratio >= target),
      r.naiveRps === undefined || r.naiveRps === null
        ? '–'
        : `${f(r.naiveRps)} req/s, p50 ${f(r.naiveP50Ms)} ms, p99 ${f(r.naiveP99Ms)} ms, ${f(r.naiveErrors)} errors, ${f(r.naiveCpuMsPerRequest, 2)} ms CPU/req`,
      r.timesNaive === undefined || r.timesNaive === null ? '–' : `${r.timesNaive.toFixed(2)}×`,
      timesNaive === null ? '–' : `≥ ${timesNaive}×`,
      timesNaive === null || r.timesNaive === undefined || r.timesNaive === null
        ? '–'
        : verdict(r.timesNaive >= timesNaive),
    ]);
    if (r.authOff)
      rows.push([
        `${name}, service with auth off`,
        `${f(r.authOff.rps)} req/s, p50 ${f(r.authOff.p50Ms)} ms, p99 ${f(r.authOff.p99Ms)} ms, ${f(r.authOff.errors)} errors, ${f(r.authOff.cpuMsPerRequest, 2)} ms CPU/req`,
        '–',
        r.rps !== null && r.authOff.rps ? `auth on = ${pct(r.rps / r.authOff.rps)} of off` : '–',
        '–',
        '–',
      ]);
  };
  http('register (POST)', s.register, TARGETS.register, TARGETS.registerTimesNaive);
  if (s.register?.roundTrips || s.register?.rawRoundTrips) {
    rows.push([
      'round trips to MariaDB per registration, relay included',
      f(s.register.roundTrips?.perRegistration, 2),
      f(s.register.rawRoundTrips?.perRegistration, 2),
      '–',
      '–',
      '–',
      f(s.register.naiveRoundTrips?.perRegistration, 2),
      '–',
      '–',
      '–',
    ]);
  }
  if (s.commands) {
    const c = s.commands;
    rows.push([
      'register over RabbitMQ (commands)',
      c.commandsPerSec === null
        ? `not measured (${c.applied} of ${c.commands} applied)`
        : `${f(c.commandsPerSec)} commands/s (backlog of ${c.commands}, prefetch ${c.prefetch})`,
      `POST in this run: ${f(c.postsPerSec)} req/s`,
      c.commandsPerSec === null || !c.postsPerSec ? '–' : `${pct(c.commandsPerSec / c.postsPerSec)} of POST`,
      '–',
      '–',
    ]);
  }
  if (s.register?.hilo) {
    const h = s.register.hilo;
    rows.push([
      `register with hilo ids (blocks of ${h.blockSize}), same run`,
      `${f(h.rps)} req/s, p50 ${f(h.p50Ms)} ms, p99 ${f(h.p99Ms)} ms, ${f(h.errors)} errors, ${f(h.roundTrips?.perRegistration, 2)} round trips/registration`,
      `autoincrement: ${f(s.register.rps)} req/s`,
      `${pct(h.toAutoIncrement)} of autoincrement`,
      '–',
      '–',
    ]);
  }
  http('get by id', s.getById, TARGETS.getById, TARGETS.getByIdTimesNaive);
  http('list page (limit 50, status)', s.list, TARGETS.list, TARGETS.listTimesNaive);
  if (s.readLatency) {
    const r = s.readLatency;
    rows.push([
      `list vs get by id p99, ${r.rate} req/s`,
      `list p99 ${f(r.listP99Ms)} ms / get p99 ${f(r.getP99Ms)} ms = ${r.listToGetP99}x`,
      `list p99 ${f(r.raw.listP99Ms)} ms / get p99 ${f(r.raw.getP99Ms)} ms = ${r.raw.listToGetP99}x`,
      '–',
      '≤ 2x',
      verdict(r.listToGetP99 <= 2),
    ]);
  }
  if (s.outboxDrain) {
    const d = s.outboxDrain;
    rows.push([
      `outbox drain, 1 relay (${d.eventsPublished} each side)`,
      `${f(d.rowsPerSec)} rows/s`,
      `${f(d.rawRowsPerSec)} rows/s`,
      pct(d.ratio),
      `≥ ${TARGETS.outboxDrain * 100}%`,
      d.ratio === null ? '–' : verdict(d.ratio >= TARGETS.outboxDrain),
    ]);
    rows.push([
      `outbox drain, 2 relays (${d.eventsPublished} each side)`,
      `${f(d.twoRelays.rowsPerSec)} rows/s`,
      `${f(d.twoRelays.rawRowsPerSec)} rows/s`,
      pct(d.twoRelays.ratio),
      `≥ ${TARGETS.outboxDrain * 100}%`,
      d.twoRelays.ratio === null ? '–' : verdict(d.twoRelays.ratio >= TARGETS.outboxDrain),
    ]);
  }
  if (s.commitToConsumer) {
    const c = s.commitToConsumer;
    rows.push([
      'commit-to-consumer, 100/s',
      `p50 ${f(c.p50Ms, 1)} ms, p99 ${f(c.p99Ms, 1)} ms, max ${f(c.maxMs, 1)} ms`,
      `p50 ${f(c.raw.p50Ms, 1)} ms, p99 ${f(c.raw.p99Ms, 1)} ms, max ${f(c.raw.maxMs, 1)} ms`,
      '–',
      `p50 < ${TARGETS.commitToConsumerP50Ms}, p99 < ${TARGETS.commitToConsumerP99Ms} ms`,
      c.p50Ms === null
        ? '–'
        : verdict(c.p50Ms < TARGETS.commitToConsumerP50Ms && (c.p99Ms ?? Infinity) < TARGETS.commitToConsumerP99Ms),
    ]);
    const r = c.relayProcess;
    if (r)
      rows.push([
        'commit-to-consumer, 100/s, relay process',
        `p50 ${f(r.p50Ms, 1)} ms, p99 ${f(r.p99Ms, 1)} ms, max ${f(r.maxMs, 1)} ms`,
        `(floor relays in process)`,
        '–',
        `p50 < ${TARGETS.commitToConsumerP50Ms}, p99 < ${TARGETS.commitToConsumerP99Ms} ms`,
        r.p50Ms === null
          ? '–'
          : verdict(r.p50Ms < TARGETS.commitToConsumerP50Ms && (r.p99Ms ?? Infinity) < TARGETS.commitToConsumerP99Ms),
      ]);
  }
  if (s.memory) {
    const m = s.memory;
    rows.push([
      'memory (register run)',
      `peak RSS ${f(m.peakRssMb)} MB`,
      `peak RSS ${f(m.rawPeakRssMb)} MB`,
      '–',
      `< ${TARGETS.peakRssMb} MB`,
      verdict(m.peakRssMb < TARGETS.peakRssMb),
    ]);
  }
  // Rows that have no naive counterpart (drain, latency, memory) get dashes in its columns.
  for (const row of rows) if (row.length < rows[0].length) row.push(...noNaive.slice(0, rows[0].length - row.length));
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) => `| ${r.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  const out = [
    `CustomerFlow bench, ${results.date}`,
    `machine: ${results.machine}`,
    '',
    line(rows[0]),
    `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`,
    ...rows.slice(1).map(line),
  ];
  for (const [who, trips] of [
    ['CustomerFlow', s.register?.roundTrips],
    ['raw floor', s.register?.rawRoundTrips],
    ['naive NestJS', s.register?.naiveRoundTrips],
  ] as const) {
    if (!trips) continue;
    const shapes = Object.entries(trips.byShape).map(([shape, n]) => `${shape} ${n}`);
    out.push('', `round trips per registration, ${who} (${trips.registrations} registrations): ${shapes.join(', ')}`);
  }
  for (const [what, figures] of [
    ['register', s.register],
    ['get by id', s.getById],
    ['list page', s.list],
  ] as const) {
    if (!figures?.roundsRps) continue;
    const sides = Object.entries(figures.roundsRps).map(([side, rps]) => `${side} ${rps.map(Math.round).join(' / ')}`);
    out.push('', `${what}, req/s of each round (the table has each side's median): ${sides.join('; ')}`);
  }
  const foreign = collectLoads(results.scenarios);
  if (foreign.length > 0) {
    out.push(
      '',
      `CPU taken by other work on the machine during the measured runs: ${Math.min(...foreign).toFixed(2)} to ${Math.max(...foreign).toFixed(2)} cores of ${results.machineDetails.cpus}` +
        (Math.max(...foreign) > 0.2 ? ' (figures are noisy; the ratios, measured side by side, less so)' : ''),
    );
  }
  if (results.notes.length > 0) out.push('', 'notes:', ...results.notes.map((n) => `- ${n}`));
  return out.join('\n');
}
