/**
 * Starts the CustomerFlow API. Configuration is validated before anything else: a bad value ends start-up with
 * one line naming the variable.
 */
import './instrumentation'; // first: instruments http before anything loads it
import 'reflect-metadata';
import { AppConfig } from '@customerflow/platform';
import { createApp } from './create-app';

async function main(): Promise<void> {
  const config = AppConfig.fromEnvOrExit();
  const app = await createApp(config);
  // Every interface: Fastify's default is localhost, which a container's probes and Service cannot reach.
  await app.listen(config.port, '0.0.0.0');
  // Not Nest's enableShutdownHooks: it re-raises the signal after closing, so the process dies of SIGTERM (exit
  // 143) and an orchestrator counts a clean stop as a failure. Here the close runs to its end and the exit is 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      app.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`CustomerFlow API did not shut down cleanly: ${(error as Error)?.stack ?? String(error)}`);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error: unknown) => {
  console.error(`CustomerFlow API failed to start: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
