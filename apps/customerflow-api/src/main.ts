/**
 * Starts the CustomerFlow API. Configuration is validated before anything else: a bad value ends start-up with
 * one line naming the variable.
 */
import './instrumentation'; // first: instruments http before anything loads it
import 'reflect-metadata';
import type { Server } from 'node:http';
import { AppConfig } from '@customerflow/platform';
import { Logger } from 'nestjs-pino';
import { beginDrain, createApp } from './create-app';

async function main(): Promise<void> {
  const config = AppConfig.fromEnvOrExit();
  const app = await createApp(config);
  // Every interface: Fastify's default is localhost, which a container's probes and Service cannot reach.
  await app.listen(config.port, '0.0.0.0');
  // Not Nest's enableShutdownHooks: it re-raises the signal after closing, so the process dies of SIGTERM (exit
  // 143) and an orchestrator counts a clean stop as a failure. Here the close runs to its end and the exit is 0.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // `on`, not `once`: a second signal during the drain must not fall back to the default (die of it, exit 143).
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      // New requests now get 503 + Connection: close, and so does every response; once the clients have gone (or
      // after the grace period) the listener, the relay's batch, the broker connection and the pools close.
      const commandsStopped = beginDrain(app);
      app.get(Logger).log(`${signal}: draining requests and commands, then shutting down`, 'Shutdown');
      Promise.all([commandsStopped, connectionsGone(app.getHttpServer(), DRAIN_GRACE_MS)])
        .then(() => app.close())
        .then(
          () => process.exit(0),
          (error: unknown) => {
            console.error(`CustomerFlow API did not shut down cleanly: ${(error as Error)?.stack ?? String(error)}`);
            process.exit(1);
          },
        );
    });
  }
}

/**
 * How long kept-alive connections are given to make their next request (and be told 503 + close) or go away
 * before the server closes them. Closing an idle connection at once risks resetting a request already on its way.
 */
const DRAIN_GRACE_MS = 5000;

async function connectionsGone(server: Server, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    const open = await new Promise<number>((resolve) => server.getConnections((_error, count) => resolve(count)));
    if (open === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

main().catch((error: unknown) => {
  console.error(`CustomerFlow API failed to start: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
