/**
 * register: POST /v1/customers with autocannon (64 connections, 10 s), every body unique (email and a valid CPF
 * from a counter), each side on empty tables after a short warm-up. The relay runs in process on both sides, so
 * the outbox is drained while the load runs, as in production. The service's peak RSS over this run is the
 * memory figure.
 */
import { join } from 'node:path';
import { type BenchContext, SIDE_LABEL, withHttpSide } from '../support/context';
import { registrationBody } from '../support/customers-data';
import { emptyTables } from '../support/database';
import { type MeasuredLoad, measuredLoad } from '../support/measure';
import type { Side } from '../support/processes';
import { type ProfileSummary, summarizeProfile } from '../support/profile-summary';
import { ratio } from '../support/stats';

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

async function runSide(ctx: BenchContext, side: Side, profileFile?: string): Promise<MeasuredLoad> {
  await emptyTables(ctx.db);
  await ctx.broker.purge();
  const label = `register · ${SIDE_LABEL[side]}${profileFile ? ' (profiled)' : ''}`;
  return withHttpSide(
    ctx,
    side,
    profileFile ? 'register-profiled' : 'register',
    (started) => measuredLoad(ctx, started, label, registrationRequests, profileFile),
    Boolean(profileFile),
  );
}

export async function registerScenario(ctx: BenchContext) {
  const service = await runSide(ctx, 'service');
  const raw = await runSide(ctx, 'raw');
  const profiles: Record<string, ProfileSummary & { rps: number; cpuMsPerRequest: number; file: string }> = {};
  const profiledSides: Side[] =
    ctx.config.profile === 'all' ? ['service', 'raw'] : ctx.config.profile === 'service' ? ['service'] : [];
  for (const side of profiledSides) {
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
      cpuMsPerRequest: service.cpuMsPerRequest,
      rawCpuMsPerRequest: raw.cpuMsPerRequest,
      foreignCpuCores: service.foreignCpuCores,
      rawForeignCpuCores: raw.foreignCpuCores,
      connections: ctx.config.connections,
      durationS: ctx.config.durationS,
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
