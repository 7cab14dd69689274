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
}

main().catch((error: unknown) => {
  console.error(`CustomerFlow API failed to start: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
