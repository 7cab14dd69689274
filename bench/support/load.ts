/**
 * autocannon, driven from the bench process against 127.0.0.1 only. Reports successful requests per second (2xx
 * only), latency percentiles over every response, and everything that was not a 2xx.
 */
import autocannon = require('autocannon');
import { benchAuthorization } from './auth';

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  /** Transport errors + timeouts + non-2xx responses. */
  errors: number;
  requests: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  durationS: number;
}

export interface LoadOptions {
  readonly port: number;
  readonly connections: number;
  readonly durationS: number;
  readonly requests: autocannon.RequestSpec[];
  /** Requests per second over all connections: an open-loop rate instead of as fast as the side answers. */
  readonly overallRate?: number;
  readonly onTick?: (completed: number, elapsedS: number) => void;
}

export async function hammer(options: LoadOptions): Promise<LoadResult> {
  const instance = autocannon({
    url: `http://127.0.0.1:${options.port}`,
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
    // Every request carries the bench's access token (the raw floor ignores it).
    requests: options.requests.map((r) => ({
      ...r,
      headers: { ...(r.headers ?? {}), authorization: benchAuthorization() },
    })),
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
  });
  let completed = 0;
  let seconds = 0;
  instance.on('tick', (counter: { counter: number }) => {
    completed += counter.counter;
    seconds++;
    options.onTick?.(completed, seconds);
  });
  const result = await instance;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]),
  );
  return {
    rps: Math.round((result['2xx'] / result.duration) * 10) / 10,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
    non2xx: result.non2xx,
    statusCodes,
    durationS: result.duration,
  };
}
