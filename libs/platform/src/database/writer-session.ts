/**
 * Marks every MySQL/MariaDB session CustomerFlow opens with `@customerflow_writer = 1`, before the session's first
 * statement. The legacy-capture triggers (`npm run legacy:capture -- install`) announce a change only when this
 * variable is unset, so a change CustomerFlow makes is announced once, by CustomerFlow itself, and a change the
 * legacy code makes is announced by the trigger, in the legacy transaction.
 *
 * TypeORM takes its mysql2 module as `driver`; this one is mysql2 with a pool that runs the SET on each new
 * connection (the pool's `connection` event fires before the connection is handed out, and mysql2 runs a
 * connection's commands in order).
 */
import * as mysql2 from 'mysql2';

export const WRITER_SESSION_VARIABLE = '@customerflow_writer';

type PoolConnection = { query(sql: string, callback: (error: Error | null) => void): unknown };

export const markedMysqlDriver = {
  ...mysql2,
  createPool(config: mysql2.PoolOptions) {
    const pool = mysql2.createPool(config);
    pool.on('connection', (connection) => {
      // A failure here means the connection is already broken: the statement that follows on it fails too.
      (connection as unknown as PoolConnection).query(`SET ${WRITER_SESSION_VARIABLE} = 1`, () => undefined);
    });
    return pool;
  },
};
