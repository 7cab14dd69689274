/** Percentiles of plain samples (nearest rank), for the latencies the bench measures itself. */
export interface Summary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  minMs: number;
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) return { count: 0, p50Ms: NaN, p99Ms: NaN, maxMs: NaN, minMs: NaN };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return {
    count: sorted.length,
    p50Ms: round(at(50)),
    p99Ms: round(at(99)),
    maxMs: round(sorted.at(-1)!),
    minMs: round(sorted[0]),
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function ratio(service: number | null, raw: number | null): number | null {
  if (service === null || raw === null || !Number.isFinite(service) || !Number.isFinite(raw) || raw === 0) return null;
  return round(service / raw, 3);
}

interface SideLoad {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  cpuMsPerRequest: number;
}

/** The naive NestJS peer's figures, and CustomerFlow's throughput as a multiple of its own. */
export function naiveFigures(service: SideLoad | null, naive: SideLoad | null) {
  return {
    naiveRps: naive?.rps ?? null,
    naiveP50Ms: naive?.p50Ms ?? null,
    naiveP99Ms: naive?.p99Ms ?? null,
    naiveErrors: naive?.errors ?? null,
    naiveCpuMsPerRequest: naive?.cpuMsPerRequest ?? null,
    timesNaive: ratio(service?.rps ?? null, naive?.rps ?? null),
  };
}

/** Every side's median round (by req/s), and every round's req/s per side, in the order run. */
export interface Rounds<S extends string, R> {
  readonly median: Record<S, R>;
  readonly rps: Record<S, number[]>;
}

/**
 * Runs every side `rounds` times, alternating (A B C, A B C, ...), and keeps each side's median round by req/s.
 * Two processes of the same build, started one after the other on these 2 shared cores, differ by up to a quarter
 * in req/s (measured: get by id 1,916 to 2,541 req/s for one service build, in one run): one run per side let the
 * draw, not the code, decide much of a ratio. Alternating also spreads any drift over the run across all sides.
 */
export async function alternatingRounds<S extends string, R>(
  sides: readonly S[],
  rounds: number,
  run: (side: S, round: number) => Promise<R>,
  rpsOf: (result: R) => number,
): Promise<Rounds<S, R>> {
  const results = new Map<S, R[]>(sides.map((side) => [side, []]));
  for (let round = 0; round < rounds; round++) {
    for (const side of sides) results.get(side)!.push(await run(side, round));
  }
  const median = {} as Record<S, R>;
  const rps = {} as Record<S, number[]>;
  for (const [side, all] of results) {
    const sorted = [...all].sort((a, b) => rpsOf(a) - rpsOf(b));
    median[side] = sorted[Math.floor((sorted.length - 1) / 2)];
    rps[side] = all.map(rpsOf);
  }
  return { median, rps };
}
