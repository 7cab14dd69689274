/**
 * register: POST /v1/customers with autocannon (64 connections, 10 s), every body unique (email and a valid CPF
 * from a counter), each side on empty tables after a short warm-up. The relay runs in process on both sides, so
 * the outbox is drained while the load runs, as in production. The service's peak RSS over this run is the
 * memory figure. Both sides also count their round trips to MariaDB (round-trip-hook.ts) from start-up until the
 * outbox is drained after the load, and divide by the customers registered: a registration's own statements plus
 * its share of the relay's claim, mark and commit, a figure that does not depend on how busy the machine is.
 */
import { join } from 'node:path';
import { type BenchContext, SIDE_LABEL, withHttpSide } from '../support/context';
import { registrationBody } from '../support/customers-data';
import type { RowDataPacket } from 'mysql2/promise';
import { emptyTables, pendingOutboxRows } from '../support/database';
import { type MeasuredLoad, measuredLoad } from '../support/measure';
import { profiledSides, roundTripsOf, type Side, sleep } from '../support/processes';
import { type ScenarioProfile, summarizeProfile } from '../support/profile-summary';
import { alternatingRounds, naiveFigures, ratio } from '../support/stats';
import { authOffFigures } from './reads';

let sequence = 0;
const tag = Date.now().toString(36);

function registrationRequests() {
  return [
    {
      method: 'POST',
      path: '/v1/customers',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request: { body?: string | Buffer }) => {
        request.body = JSON.stringify(registrationBody(++sequence, tag));
        return request;
      },
    },
  ];
}

export interface RoundTrips {
  /** Round trips to MariaDB per registered customer, relay included. */
  readonly perRegistration: number;
  /** The same, by statement shape ("INSERT customers", "COMMIT", ...), most frequent first. */
  readonly byShape: Record<string, number>;
  readonly registrations: number;
}

/** The service with hilo ids: blocks of 1000, each reserved by moving the counter (see "Leaving AUTO_INCREMENT"). */
const HILO: NodeJS.ProcessEnv = { ID_STRATEGY: 'hilo', HILO_BLOCK_SIZE: '1000' };

async function runSide(
  ctx: BenchContext,
  side: Side,
  profileFile?: string,
  auth: 'on' | 'off' = 'on',
  serviceOverrides: NodeJS.ProcessEnv = {},
): Promise<MeasuredLoad & { roundTrips?: RoundTrips }> {
  await emptyTables(ctx.db);
  await ctx.broker.purge();
  const variant = serviceOverrides.ID_STRATEGY === 'hilo' ? ', hilo ids' : '';
  const label = `register · ${SIDE_LABEL[side]}${variant}${auth === 'off' ? ' (auth off)' : ''}${profileFile ? ' (profiled)' : ''}`;
  const counted = !profileFile && auth === 'on';
  return withHttpSide(
    ctx,
    side,
    profileFile ? 'register-profiled' : auth === 'off' ? 'register-auth-off' : 'register',
    async (started) => {
      const before = counted ? await roundTripsOf(started) : {};
      const load = await measuredLoad(ctx, started, label, registrationRequests, profileFile);
      if (!counted) return load;
      await drained(ctx);
      const after = await roundTripsOf(started);
      const [rows] = await ctx.db.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM customers');
      return { ...load, roundTrips: perRegistration(before, after, Number(rows[0]?.n)) };
    },
    Boolean(profileFile),
    counted,
    auth,
    serviceOverrides,
  );
}

/** Waits (up to a minute) until the relay has published every row, so its share is in the count. */
async function drained(ctx: BenchContext): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await pendingOutboxRows(ctx.db)) > 0 && Date.now() < deadline) await sleep(200);
}

function perRegistration(
  before: Record<string, number>,
  after: Record<string, number>,
  registrations: number,
): RoundTrips {
  const per = (n: number) => Math.round((n / Math.max(1, registrations)) * 100) / 100;
  const shapes = Object.entries(after)
    .map(([shape, n]) => [shape, n - (before[shape] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  return {
    perRegistration: per(shapes.reduce((sum, [, n]) => sum + n, 0)),
    byShape: Object.fromEntries(shapes.map(([shape, n]) => [shape, per(n)])),
    registrations,
  };
}

export async function registerScenario(ctx: BenchContext) {
  // The variants (auth off, hilo ids: the allocator's cost read against AUTO_INCREMENT of this run) alternate too.
  const rounds = await alternatingRounds(
    ['service', 'raw', 'naive', 'authOff', 'hilo'] as const,
    ctx.config.rounds,
    (side) =>
      side === 'authOff'
        ? runSide(ctx, 'service', undefined, 'off')
        : side === 'hilo'
          ? runSide(ctx, 'service', undefined, 'on', HILO)
          : runSide(ctx, side),
    (load) => load.rps,
  );
  const { service, raw, naive, authOff, hilo } = rounds.median;
  const profiles: Record<string, ScenarioProfile> = {};
  for (const side of profiledSides(ctx.config)) {
    const file = join(ctx.config.root, 'bench', 'results', `register-${side}.cpuprofile`);
    const profiled = await runSide(ctx, side, file);
    profiles[`register ${SIDE_LABEL[side]}`] = {
      ...summarizeProfile(file, 25, profiled.rps * profiled.durationS),
      rps: profiled.rps,
      cpuMsPerRequest: profiled.cpuMsPerRequest,
      file,
    };
  }
  return {
    register: {
      rps: service.rps,
      p50Ms: service.p50Ms,
      p99Ms: service.p99Ms,
      errors: service.errors,
      requests: service.requests,
      statusCodes: service.statusCodes,
      rawRps: raw.rps,
      rawP50Ms: raw.p50Ms,
      rawP99Ms: raw.p99Ms,
      rawErrors: raw.errors,
      ratio: ratio(service.rps, raw.rps),
      authOff: authOffFigures(authOff),
      cpuMsPerRequest: service.cpuMsPerRequest,
      rawCpuMsPerRequest: raw.cpuMsPerRequest,
      foreignCpuCores: service.foreignCpuCores,
      rawForeignCpuCores: raw.foreignCpuCores,
      connections: ctx.config.connections,
      durationS: ctx.config.durationS,
      roundsRps: rounds.rps,
      roundTrips: service.roundTrips ?? null,
      rawRoundTrips: raw.roundTrips ?? null,
      hilo: {
        rps: hilo.rps,
        p50Ms: hilo.p50Ms,
        p99Ms: hilo.p99Ms,
        errors: hilo.errors,
        cpuMsPerRequest: hilo.cpuMsPerRequest,
        blockSize: Number(HILO.HILO_BLOCK_SIZE),
        toAutoIncrement: ratio(hilo.rps, service.rps),
        roundTrips: hilo.roundTrips ?? null,
      },
      ...naiveFigures(service, naive),
      naiveRoundTrips: naive.roundTrips ?? null,
    },
    memory: {
      peakRssMb: service.peakRssMb,
      sampledMaxRssMb: service.sampledMaxRssMb,
      rawPeakRssMb: raw.peakRssMb,
      measuredDuring: 'register: VmHWM of the service process at the end of the run (start-up and warm-up included)',
    },
    profiles,
  };
}
