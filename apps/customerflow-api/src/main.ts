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
  await app.listen(config.port);
}

main().catch((error: unknown) => {
  console.error(`CustomerFlow API failed to start: ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
