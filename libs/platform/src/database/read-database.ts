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

  query<Row>(sql: string, parameters: readonly unknown[] = []): Promise<Row[]> {
    return this.resilience.execute(() => this.dataSource.query(sql, parameters as unknown[]));
  }
}
