/**
 * The read scenarios, on 100,000 seeded customers: get by id (a random id per request, the same sequence for both
 * sides) and the list page (GET /v1/customers?status=active&limit=50&sort=-createdAt). Before loading, each side's
 * answer to one fixed request is kept, and the two are compared: the floor must return what the service returns.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type autocannon = require('autocannon');
import { type BenchContext, SIDE_LABEL, withHttpSide } from '../support/context';
import { prng } from '../support/customers-data';
import { explainReads } from '../support/database';
import { type MeasuredLoad, measuredLoad } from '../support/measure';
import type { Side } from '../support/processes';
import { type ProfileSummary, summarizeProfile } from '../support/profile-summary';
import { ratio } from '../support/stats';

export const LIST_PATH = '/v1/customers?status=active&limit=50&sort=-createdAt';

interface Fetched {
  status: number;
  body: unknown;
}

function fetchJson(port: number, path: string): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // keep the text
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

async function loadSide(
  ctx: BenchContext,
  side: Side,
  scenario: string,
  probePath: string,
  requests: () => autocannon.RequestSpec[],
  profileFile?: string,
): Promise<{ probe: Fetched; result: MeasuredLoad | null }> {
  const label = `${scenario} · ${SIDE_LABEL[side]}${profileFile ? ' (profiled)' : ''}`;
  return withHttpSide(
    ctx,
    side,
    profileFile ? `${scenario}-profiled` : scenario,
    async (started) => {
      const probe = await fetchJson(ctx.config.port, probePath);
      if (probe.status !== 200) return { probe, result: null };
      return { probe, result: await measuredLoad(ctx, started, label, requests, profileFile) };
    },
    Boolean(profileFile),
  );
}

/** BENCH_PROFILE: one more run per profiled side, after the measured ones. */
async function profiledRuns(ctx: BenchContext, scenario: string, probePath: string, requests: () => autocannon.RequestSpec[]) {
  const profiles: Record<string, ProfileSummary & { rps: number; cpuMsPerRequest: number; file: string }> = {};
  const sides: Side[] = ctx.config.profile === 'all' ? ['service', 'raw'] : ctx.config.profile === 'service' ? ['service'] : [];
  for (const side of sides) {
    const file = join(ctx.config.root, 'bench', 'results', `${scenario}-${side}.cpuprofile`);
    const { result } = await loadSide(ctx, side, scenario, probePath, requests, file);
    if (result) profiles[`${scenario} ${SIDE_LABEL[side]}`] = { ...summarizeProfile(file, 25, result.rps * result.durationS), rps: result.rps, cpuMsPerRequest: result.cpuMsPerRequest, file };
  }
  return profiles;
}

function figures(service: MeasuredLoad | null, raw: MeasuredLoad | null) {
  return {
    rps: service?.rps ?? null,
    p50Ms: service?.p50Ms ?? null,
    p99Ms: service?.p99Ms ?? null,
    errors: service?.errors ?? null,
    rawRps: raw?.rps ?? null,
    rawP50Ms: raw?.p50Ms ?? null,
    rawP99Ms: raw?.p99Ms ?? null,
    rawErrors: raw?.errors ?? null,
    ratio: ratio(service?.rps ?? null, raw?.rps ?? null),
    cpuMsPerRequest: service?.cpuMsPerRequest ?? null,
    rawCpuMsPerRequest: raw?.cpuMsPerRequest ?? null,
    foreignCpuCores: service?.foreignCpuCores ?? null,
    rawForeignCpuCores: raw?.foreignCpuCores ?? null,
  };
}

export async function getByIdScenario(ctx: BenchContext) {
  const customers = ctx.config.customers;
  const requests = () => {
    const random = prng(42);
    return [{ method: 'GET', setupRequest: (r: { path?: string }) => ((r.path = `/v1/customers/${1 + Math.floor(random() * customers)}`), r) }];
  };
  const probePath = `/v1/customers/${Math.ceil(customers / 2)}`;
  const service = await loadSide(ctx, 'service', 'getById', probePath, requests);
  const raw = await loadSide(ctx, 'raw', 'getById', probePath, requests);
  const sameBody = isDeepStrictEqual(service.probe.body, raw.probe.body);
  if (!sameBody) ctx.notes.push(`getById: the raw floor's body for ${probePath} differs from the service's`);
  const profiles = await profiledRuns(ctx, 'getById', probePath, requests);
  return { ...figures(service.result, raw.result), customers, connections: ctx.config.connections, sameBodyAsService: sameBody, profiles };
}

export async function listScenario(ctx: BenchContext) {
  const requests = () => [{ method: 'GET', path: LIST_PATH }];
  const service = await loadSide(ctx, 'service', 'list', LIST_PATH, requests);
  const raw = await loadSide(ctx, 'raw', 'list', LIST_PATH, requests);
  const missing = service.probe.status === 404;
  if (missing) ctx.notes.push(`list: the service answers ${LIST_PATH} with 404 (GET /v1/customers not implemented yet); only the raw floor was measured`);
  else if (service.probe.status !== 200) ctx.notes.push(`list: the service answered ${service.probe.status}: ${JSON.stringify(service.probe.body).slice(0, 300)}`);
  const ids = (f: Fetched) => ((f.body as { items?: Array<{ id: string }> })?.items ?? []).map((i) => i.id);
  const sameBody = service.probe.status === 200 ? isDeepStrictEqual(service.probe.body, raw.probe.body) : null;
  if (sameBody === false) {
    ctx.notes.push(
      `list: the raw floor's page differs from the service's (same ids: ${isDeepStrictEqual(ids(service.probe), ids(raw.probe))})`,
    );
  }
  const profiles = service.result ? await profiledRuns(ctx, 'list', LIST_PATH, requests) : {};
  return {
    ...figures(service.result, raw.result),
    explain: await explainReads(ctx.db, ctx.config.customers),
    path: LIST_PATH,
    serviceEndpoint: missing ? 'missing (404)' : service.probe.status === 200 ? 'present' : `answered ${service.probe.status}`,
    customers: ctx.config.customers,
    connections: ctx.config.connections,
    sameBodyAsService: sameBody,
    profiles,
  };
}
