/**
 * One measured autocannon run against a started side: warm-up, then the measured load while the process's CPU
 * time and resident memory are read from /proc; optionally profiled (the profiler window covers only the measured
 * load, see profile-hook.ts).
 */
import type autocannon = require('autocannon');
import type { BenchContext } from './context';
import { watchForeignCpu } from './foreign-cpu';
import { hammer, type LoadResult } from './load';
import { cpuMsOf, memoryOf, sampleRss, type Started, startProfiling, stopProfiling } from './processes';
import { round } from './stats';

export interface MeasuredLoad extends LoadResult {
  /** CPU time (user + system) of the process under test per successful request, relay work included. */
  cpuMsPerRequest: number;
  /** VmHWM at the end of the run: the process's peak resident set since it started. */
  peakRssMb: number;
  /** The highest VmRSS sampled every 100 ms during the measured load. */
  sampledMaxRssMb: number;
  /** CPU taken by other work on the machine during the measured load, in cores (see foreign-cpu.ts). */
  foreignCpuCores: number;
}

export async function measuredLoad(
  ctx: BenchContext,
  started: Started,
  label: string,
  requests: () => autocannon.RequestSpec[],
  profileFile?: string,
): Promise<MeasuredLoad> {
  const { config, progress } = ctx;
  progress.begin(`${label} · warm-up`);
  await hammer({ port: config.port, connections: config.connections, durationS: config.warmupS, requests: requests() });
  progress.begin(label);
  if (profileFile) await startProfiling(started);
  const foreign = watchForeignCpu(started.pid);
  const sampled = sampleRss(started.pid);
  const cpuBefore = cpuMsOf(started.pid);
  const result = await hammer({
    port: config.port,
    connections: config.connections,
    durationS: config.durationS,
    requests: requests(),
    onTick: (done, s) => progress.update(`${s}/${config.durationS} s, ${done} requests`),
  });
  const cpuMs = cpuMsOf(started.pid) - cpuBefore;
  const foreignCpuCores = foreign();
  const sampledMaxRssMb = sampled();
  const peakRssMb = memoryOf(started.pid)?.hwmMb ?? NaN;
  if (profileFile) await stopProfiling(started, profileFile);
  return {
    ...result,
    cpuMsPerRequest: round(cpuMs / Math.max(1, result.rps * result.durationS), 3),
    peakRssMb: round(peakRssMb, 1),
    sampledMaxRssMb: round(sampledMaxRssMb, 1),
    foreignCpuCores,
  };
}
