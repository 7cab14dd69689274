/**
 * The read side's door to the database: raw parameterized SQL on the read connection (`DATABASE_READ_URL`, or the
 * primary when it is unset), returning plain rows, under the database's timeout and circuit breaker. It never hands
 * out entities or repositories.
 */
import type { DataSource } from 'typeorm';
import { DatabaseResilience } from './database-resilience';
import { dialectOf, type SqlDialect } from './sql-dialect';

export class ReadDatabase {
  readonly dialect: SqlDialect;

  constructor(
    readonly dataSource: DataSource,
    private readonly resilience: DatabaseResilience = new DatabaseResilience(),
  ) {
    this.dialect = dialectOf(dataSource);
  }

  /**
   * On MySQL a read goes straight to mysql2's pool, as one statement on any pooled connection (the same pool, so the
   * same session settings), with mysql2's own timeout. TypeORM's `DataSource.query` would wrap it in a QueryRunner
   * of its own, with logger and subscriber broadcasts and a copy of the rows, which a read does not use: ~5 KB of
   * garbage per statement.
   */
  query<Row>(sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
    const pool = this.dialect === 'mysql' ? (this.dataSource.driver as { pool?: Mysql2Pool }).pool : undefined;
    if (!pool) return this.resilience.execute(() => this.dataSource.query(sql, parameters as unknown[]));
    return this.resilience.executeTimedByDriver(
      (timeout) =>
        new Promise((resolve, reject) =>
          pool.query({ sql, values: parameters, timeout }, (error, rows) =>
            error ? reject(error) : resolve(rows as Row[]),
          ),
        ),
    );
  }
}

/** The part of mysql2's callback pool that TypeORM's MySQL driver keeps as `driver.pool`. */
interface Mysql2Pool {
  query(
    options: { sql: string; values: readonly unknown[]; timeout: number },
    callback: (error: Error | null, rows: unknown) => void,
  ): void;
}
