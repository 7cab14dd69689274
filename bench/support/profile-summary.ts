/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and says where the time went: self time per function and per area
 * (an npm package, the service's own code, Node internals, GC), as shares of the busy (non-idle) time.
 * Also runnable on its own: node dist-bench/support/profile-summary.js <file.cpuprofile>
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileEntry {
  name: string;
  selfMs: number;
  share: number;
  /** Self time per request served during the profile, when the request count is known. */
  usPerRequest?: number;
}

/** A scenario's profiled run: the summary, the run's throughput and CPU per request (per row for the drain). */
export type ScenarioProfile = ProfileSummary & { rps: number; cpuMsPerRequest: number; file: string };

export interface ProfileSummary {
  busyMs: number;
  idleMs: number;
  topFunctions: ProfileEntry[];
  /** Self time by the area of the function itself (native code and Node internals are areas of their own). */
  byArea: ProfileEntry[];
  /**
   * Self time charged to the package that asked for it: native code and Node internals are charged to the nearest
   * caller that belongs to a package or to the service (a socket write made by mysql2 counts for mysql2).
   */
  byOwner: ProfileEntry[];
}

export function summarizeProfile(file: string, top = 25, requests?: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const ownerCache = new Map<number, string>();
  const ownerOf = (id: number): string => {
    const known = ownerCache.get(id);
    if (known) return known;
    const frame = byId.get(id)!.callFrame;
    const area = areaOf(frame);
    const parent = parentOf.get(id);
    const owner =
      area.startsWith('node:') || area === '(native / V8 builtins)'
        ? parent === undefined
          ? area
          : ownerOf(parent)
        : area;
    ownerCache.set(id, owner === '(root)' ? area : owner);
    return ownerCache.get(id)!;
  };
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  const owners = new Map<string, number>();
  let idleUs = 0;
  let busyUs = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    busyUs += us;
    const name = `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    const area = areaOf(frame);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const owner = ownerOf(id);
    owners.set(owner, (owners.get(owner) ?? 0) + us);
  }
  const entries = (map: Map<string, number>, n: number): ProfileEntry[] =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, us]) => ({
        name,
        selfMs: Math.round(us / 1000),
        share: Math.round((us / busyUs) * 1000) / 10,
        ...(requests ? { usPerRequest: Math.round(us / requests) } : {}),
      }));
  return {
    busyMs: Math.round(busyUs / 1000),
    idleMs: Math.round(idleUs / 1000),
    topFunctions: entries(functions, top),
    byArea: entries(areas, top),
    byOwner: entries(owners, top),
  };
}

function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native / V8 builtins)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  if (/\/dist\/libs\/([^/]+)\//.test(url)) return `customerflow libs/${/\/dist\/libs\/([^/]+)\//.exec(url)![1]}`;
  if (/\/dist\/apps\//.test(url)) return 'customerflow apps';
  return url;
}

function shortUrl(url: string): string {
  return url
    .replace(/^file:\/\//, '')
    .replace(/^.*node_modules\//, '')
    .replace(/^.*\/dist\//, 'dist/');
}

export function formatProfile(summary: ProfileSummary): string {
  const row = (e: ProfileEntry) =>
    `  ${e.share.toFixed(1).padStart(5)}%  ${String(e.selfMs).padStart(6)} ms${e.usPerRequest === undefined ? '' : `  ${String(e.usPerRequest).padStart(5)} µs/req`}  ${e.name}`;
  const lines = [`busy ${summary.busyMs} ms, idle ${summary.idleMs} ms`, '', 'self time by area:'];
  for (const e of summary.byArea.slice(0, 15)) lines.push(row(e));
  lines.push('', 'self time charged to the package that called into Node/native code:');
  for (const e of summary.byOwner.slice(0, 20)) lines.push(row(e));
  lines.push('', 'top functions by self time:');
  for (const e of summary.topFunctions) lines.push(row(e));
  return lines.join('\n');
}

if (require.main === module) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node dist-bench/support/profile-summary.js <file.cpuprofile> [top]');
    process.exit(2);
  }
  console.log(formatProfile(summarizeProfile(file, Number(process.argv[3] ?? 25))));
}
