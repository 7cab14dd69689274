/**
 * Wires the databases, for every process that uses one (the API, the relay): the primary (TypeORM, for the write
 * side and its unit of work), the read connection for queries, the id generator and the unit of work (which carries
 * its EntityManager through async calls without passing it around). What only the API needs, idempotency and the
 * in-transaction event bus, has modules of its own that only the API imports.
 */
import { type DynamicModule, Global, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from './data-source-options';
import { DatabaseResilience } from './database-resilience';
import { HiloIdGenerator } from './ids/hilo-id-generator';
import { IdGenerator, PerTableIdGenerator } from './ids/id-generator';
import { ReadDatabase } from './read-database';
import { UnitOfWork } from './unit-of-work';

export interface DatabaseModuleOptions {
  /** The write side's TypeORM entities, listed by class. */
  readonly entities: NonNullable<DataSourceOptions['entities']>;
}

class ReadDataSourceCloser implements OnApplicationShutdown {
  constructor(
    private readonly read: ReadDatabase,
    private readonly primary: DataSource,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.read.dataSource !== this.primary && this.read.dataSource.isInitialized)
      await this.read.dataSource.destroy();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config.database, { entities: options.entities, schemaMap: config.schemaMap }),
            // The embedded default migrates itself; MySQL is migrated by `npm run migration:run` (one actor, not N replicas).
            migrationsRun: config.database.kind === 'sqlite',
            retryAttempts: 0,
          }),
        }),
      ],
      providers: [
        { provide: DatabaseResilience, useFactory: () => new DatabaseResilience() },
        UnitOfWork,
        {
          provide: ReadDatabase,
          inject: [AppConfig, getDataSourceToken(), DatabaseResilience],
          useFactory: async (config: AppConfig, primary: DataSource, resilience: DatabaseResilience) => {
            // SQLite: a second connection on the same file (WAL) so queries never see a write in progress;
            // only `sqlite::memory:` must share the one connection, as another would open an empty database.
            const sameDatabase = config.readDatabase.url === config.database.url;
            if (sameDatabase && (config.database.kind === 'mysql' || config.database.file === ':memory:'))
              return new ReadDatabase(primary, resilience);
            const replica = new DataSource(dataSourceOptions(config.readDatabase, { poolSize: 20 }));
            await replica.initialize();
            if (!sameDatabase) new Logger('DatabaseModule').log('queries use the read connection DATABASE_READ_URL');
            return new ReadDatabase(replica, new DatabaseResilience()); // its own breaker: a lost replica must not stop writes
          },
        },
        {
          provide: IdGenerator,
          inject: [AppConfig, getDataSourceToken(), UnitOfWork],
          useFactory: (config: AppConfig, primary: DataSource, unitOfWork: UnitOfWork) =>
            new PerTableIdGenerator(
              { strategy: config.idStrategy, blockSize: config.hiloBlockSize },
              new HiloIdGenerator(primary, unitOfWork, config.hiloBlockSize),
            ),
        },
        {
          provide: ReadDataSourceCloser,
          inject: [ReadDatabase, getDataSourceToken()],
          useFactory: (read: ReadDatabase, primary: DataSource) => new ReadDataSourceCloser(read, primary),
        },
      ],
      exports: [UnitOfWork, ReadDatabase, IdGenerator, DatabaseResilience],
    };
  }
}
