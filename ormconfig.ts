/**
 * The TypeORM CLI's data source (`npm run migration:run`, `migration:generate`): the same configuration parsing,
 * entities and migration list as the service, so the CLI and the app never disagree about the schema.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { customerOrmEntities } from '@customerflow/customers';
import { AppConfig, dataSourceOptions, loadDotEnvOrExit } from '@customerflow/platform';

loadDotEnvOrExit();

export default new DataSource(
  dataSourceOptions(AppConfig.fromEnvOrExit().database, { entities: customerOrmEntities, poolSize: 2 }),
);
