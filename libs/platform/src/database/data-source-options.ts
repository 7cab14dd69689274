/**
 * TypeORM data-source options for the configured database, shared by the app and `ormconfig.ts` so that the
 * migrations the CLI runs are exactly the ones the service expects.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import * as mysql2 from 'mysql2';
import type { DataSourceOptions } from 'typeorm';
import type { DatabaseConfig } from '../config/app-config';
import { migrations } from './migrations';
import { markedMysqlDriver } from './writer-session';

export interface DataSourceTuning {
  /** Entities the write side maps; the read side needs none. */
  readonly entities?: DataSourceOptions['entities'];
  readonly poolSize?: number;
  readonly name?: string;
}

export function dataSourceOptions(config: DatabaseConfig, tuning: DataSourceTuning = {}): DataSourceOptions {
  const common = { entities: tuning.entities ?? [], migrations, logging: false as const };
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
    driver: READ_COMMITTED_MYSQL2,
  };
}

const READ_COMMITTED = 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED';

/**
 * mysql2 as TypeORM loads it, except that each pooled connection is set to READ COMMITTED once, when the pool opens
 * it, instead of a `SET TRANSACTION` round trip before every transaction. Every transaction of the service wants
 * READ COMMITTED: no gap locks, so inserts never wait on a range another transaction read (the outbox claim, the
 * hilo block, the unique-email check). The statement is queued on the connection before the borrower's first one;
 * a connection on which it fails is destroyed, so none is ever used at another level.
 */
const READ_COMMITTED_MYSQL2 = Object.create(mysql2, {
  createPool: {
    value: (options: mysql2.PoolOptions) => {
      const pool = mysql2.createPool(options);
      pool.on('connection', (connection) => {
        connection.query(READ_COMMITTED, (error) => {
          if (error) connection.destroy();
        });
      });
      return pool;
    },
  },
}) as typeof mysql2;
