/**
 * TypeORM data-source options for the configured database, shared by the app and `ormconfig.ts` so that the
 * migrations the CLI runs are exactly the ones the service expects.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { migrations } from './migrations';
import { markedMysqlDriver } from './writer-session';
import { SCHEMA_MAP_OPTION } from './migrations/schema-map-of';
import type { SchemaMap } from './schema-map/schema-map';

export interface DataSourceTuning {
  /** Entities the write side maps; the read side needs none. */
  readonly entities?: DataSourceOptions['entities'];
  readonly poolSize?: number;
  readonly name?: string;
  /** The legacy schema, if any: the migrations read it to leave the mapped tables alone (see schemaMapOf). */
  readonly schemaMap?: SchemaMap | null;
}

export function dataSourceOptions(config: DatabaseConfig, tuning: DataSourceTuning = {}): DataSourceOptions {
  const common = {
    entities: tuning.entities ?? [],
    migrations,
    logging: false as const,
    [SCHEMA_MAP_OPTION]: tuning.schemaMap ?? null,
  };
  if (config.kind === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(dirname(config.file), { recursive: true });
    return {
      ...common,
      type: 'better-sqlite3',
      database: config.file,
      // WAL lets readers run beside the single writer; the busy timeout makes a second process wait, not fail.
      enableWAL: config.file !== ':memory:',
      timeout: 5000,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('foreign_keys = ON');
        // Deleted and overwritten content is zeroed, not left in free pages where erased personal data would
        // survive in the file; and a WAL that was checkpointed is cut back instead of keeping old frames.
        db.pragma('secure_delete = ON');
        db.pragma('journal_size_limit = 0');
      },
    };
  }
  return {
    ...common,
    type: 'mysql',
    // Every pooled session is marked as CustomerFlow's and set to READ COMMITTED once, when opened (writer-session.ts).
    driver: markedMysqlDriver,
    url: config.url,
    timezone: 'Z',
    charset: 'utf8mb4_unicode_ci',
    // Ids are BIGINT: keep them as strings end to end rather than risk float rounding.
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: ['DATE'], // birth dates stay 'YYYY-MM-DD', never shifted by a time zone
    poolSize: tuning.poolSize ?? 20,
    // trace off: mysql2 would capture a stack trace per query (~0.1 ms per registration) for nicer error stacks.
    extra: { connectTimeout: 5000, enableKeepAlive: true, trace: false },
  };
}
