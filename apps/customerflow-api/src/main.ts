/**
 * Starts the CustomerFlow API. Configuration is validated before anything else: a bad value ends start-up with
 * one line naming the variable.
 */
import './instrumentation'; // first: instruments http before anything loads it
import 'reflect-metadata';
import { AppConfig, ConfigError } from '@customerflow/platform';
import { createApp } from './create-app';

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = AppConfig.fromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  const app = await createApp(config);
  await app.listen(config.port);
}

void main();
