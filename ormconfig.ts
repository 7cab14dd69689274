/**
 * The TypeORM CLI's data source (`npm run migration:run`, `migration:generate`): the same configuration parsing,
 * entities and migration list as the service, so the CLI and the app never disagree about the schema.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { customerOrmEntitiesFor } from '@customerflow/customers';
import { AppConfig, dataSourceOptions, loadDotEnvOrExit } from '@customerflow/platform';

loadDotEnvOrExit();

// The migrations serve no customer data: a production environment without AUTH_* must not stop them.
const config = AppConfig.fromEnvOrExit(AppConfig.servingNoCustomerData());

export default new DataSource(
  dataSourceOptions(config.database, {
    entities: customerOrmEntitiesFor(config.schemaMap),
    poolSize: 2,
    schemaMap: config.schemaMap,
  }),
);
