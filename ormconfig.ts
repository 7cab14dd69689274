/**
 * The TypeORM CLI's data source (`npm run migration:run`, `migration:generate`): the same configuration parsing,
 * entities and migration list as the service, so the CLI and the app never disagree about the schema.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { customerOrmEntities } from '@customerflow/customers';
import { AppConfig, ConfigError, dataSourceOptions } from '@customerflow/platform';

function loadConfig(): AppConfig {
  try {
    return AppConfig.fromEnv();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

export default new DataSource(dataSourceOptions(loadConfig().database, { entities: customerOrmEntities, poolSize: 2 }));
