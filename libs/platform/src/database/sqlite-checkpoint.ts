/**
 * SQLite in WAL mode keeps rewritten pages in the `-wal` file, and the old page in the main file, until a
 * checkpoint. With `secure_delete` on (see data-source-options.ts) freed space is zeroed, but only once the
 * checkpoint has happened. After erasing personal data we therefore checkpoint and truncate the WAL at once.
 */
import type { DataSource } from 'typeorm';
import { SqliteWriteLock } from './sqlite-write-lock';

interface SqliteConnection {
  pragma(sql: string): unknown;
}

/** Best effort: a checkpoint that cannot finish now (a reader holds an old snapshot) is completed by the next one. */
export async function checkpointSqlite(dataSource: DataSource): Promise<void> {
  const lock = SqliteWriteLock.of(dataSource);
  const connection = (dataSource.driver as unknown as { databaseConnection?: SqliteConnection }).databaseConnection;
  if (!lock || !connection) return;
  // The one connection is shared with units of work; a pragma inside someone's transaction would fail.
  await lock.hold(() => connection.pragma('wal_checkpoint(TRUNCATE)'));
}
