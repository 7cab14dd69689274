/**
 * SQLite in WAL mode keeps rewritten pages in the `-wal` file, and the old page in the main file, until a
 * checkpoint. With `secure_delete` on (see data-source-options.ts) freed space is zeroed, but only once the
 * checkpoint has happened. After erasing personal data we therefore checkpoint and truncate the WAL at once.
 */
import type { DataSource } from 'typeorm';
import { dialectOf } from './sql-dialect';

interface SqliteConnection {
  readonly inTransaction: boolean;
  pragma(sql: string): unknown;
}

/** Best effort: a checkpoint that cannot finish now (a reader holds an old snapshot) is completed by the next one. */
export async function checkpointSqlite(dataSource: DataSource): Promise<void> {
  if (dialectOf(dataSource) !== 'sqlite') return;
  const connection = (dataSource.driver as unknown as { databaseConnection?: SqliteConnection }).databaseConnection;
  if (!connection) return;
  // The one connection is shared with units of work; a pragma inside someone's transaction would fail.
  while (connection.inTransaction) await new Promise((resolve) => setTimeout(resolve, 2));
  connection.pragma('wal_checkpoint(TRUNCATE)');
}
