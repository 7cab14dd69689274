/** What every scenario gets, and the one way to run a side (service or raw floor) behind an HTTP port. */
import type { Pool } from 'mysql2/promise';
import type { BenchBroker } from './broker';
import type { BenchConfig } from './config';
import {
  naiveEntry,
  naiveEnv,
  type NodeOptions,
  rawEntry,
  rawEnv,
  serviceApiEntry,
  serviceEnv,
  type Side,
  type Started,
  startNode,
  stop,
  waitForHttp,
} from './processes';
import type { Progress } from './progress';

export interface BenchContext {
  readonly config: BenchConfig;
  readonly progress: Progress;
  readonly db: Pool;
  readonly broker: BenchBroker;
  /** Remarks that end up in latest.json and the printed report. */
  readonly notes: string[];
}

export const SIDE_LABEL: Record<Side, string> = { service: 'service', raw: 'raw floor', naive: 'naive NestJS' };

/**
 * Starts `side` on the bench port with its relay in process (as OUTBOX_RELAY=inprocess), waits until it answers,
 * runs `work`, stops it. `profiled` preloads the profiling hook (see profile-hook.ts), `countRoundTrips` the
 * round-trip counter (round-trip-hook.ts).
 */
export async function withHttpSide<T>(
  ctx: BenchContext,
  side: Side,
  label: string,
  work: (started: Started) => Promise<T>,
  profiled = false,
  countRoundTrips = false,
  auth: 'on' | 'off' = 'on',
  /** Added to the service's environment, e.g. ID_STRATEGY=hilo. */
  serviceOverrides: NodeJS.ProcessEnv = {},
): Promise<T> {
  const { config } = ctx;
  const hooks = [...(profiled ? ['profile-hook'] : []), ...(countRoundTrips ? ['round-trip-hook'] : [])];
  const options: NodeOptions =
    hooks.length > 0
      ? { nodeArgs: hooks.flatMap((hook) => ['-r', `${config.root}/dist-bench/support/${hook}.js`]), ipc: true }
      : {};
  const started =
    side === 'service'
      ? startNode(
          config,
          `${label}-service`,
          serviceApiEntry(config),
          { ...serviceEnv(config, config.port, 'inprocess', auth), ...serviceOverrides },
          options,
        )
      : side === 'raw'
        ? startNode(
            config,
            `${label}-raw`,
            rawEntry(config, 'server'),
            rawEnv(config, config.port, 'inprocess'),
            options,
          )
        : startNode(config, `${label}-naive`, naiveEntry(config), naiveEnv(config, config.port), options);
  try {
    await waitForHttp(started, config.port);
    return await work(started);
  } finally {
    await stop(started);
  }
}
