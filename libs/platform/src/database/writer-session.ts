/**
 * Marks every MySQL/MariaDB session CustomerFlow opens with `@customerflow_writer = 1`, before the session's first
 * statement. The legacy-capture triggers (`npm run legacy:capture -- install`) announce a change only when this
 * variable is unset, so a change CustomerFlow makes is announced once, by CustomerFlow itself, and a change the
 * legacy code makes is announced by the trigger, in the legacy transaction.
 *
 * The same hook sets each session to READ COMMITTED once, instead of a `SET TRANSACTION` round trip before every
 * transaction. Every transaction of the service wants READ COMMITTED: no gap locks, so inserts never wait on a range
 * another transaction read (the outbox claim, the unique-email check). A connection on which that statement fails
 * is destroyed, so none is ever used at another level.
 *
 * TypeORM takes its mysql2 module as `driver`; this one is mysql2 with a pool that runs the SETs on each new
 * connection (the pool's `connection` event fires before the connection is handed out, and mysql2 runs a
 * connection's commands in order).
 */
import * as mysql2 from 'mysql2';

export const WRITER_SESSION_VARIABLE = '@customerflow_writer';

const READ_COMMITTED = 'SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED';

type PoolConnection = {
  query(sql: string, callback: (error: Error | null) => void): unknown;
  destroy(): void;
  promise(promiseImpl?: PromiseConstructor): unknown;
};

/**
 * TypeORM asks the connection for mysql2's promise wrapper before every statement, and mysql2 builds a new one each
 * time: a require() resolution (a package.json read included) and an EventEmitter per statement, about 40 µs of a
 * registration's CPU. The wrapper only forwards to its connection, so one per connection serves every statement.
 */
function keepOnePromiseWrapper(connection: PoolConnection): void {
  const wrap = connection.promise.bind(connection);
  let wrapper: unknown;
  connection.promise = (promiseImpl?: PromiseConstructor) => (promiseImpl ? wrap(promiseImpl) : (wrapper ??= wrap()));
}

export const markedMysqlDriver = {
  ...mysql2,
  createPool(config: mysql2.PoolOptions) {
    const pool = mysql2.createPool(config);
    pool.on('connection', (connection) => {
      // A failure here means the connection is already broken: the statement that follows on it fails too.
      const session = connection as unknown as PoolConnection;
      session.query(`SET ${WRITER_SESSION_VARIABLE} = 1`, () => undefined);
      session.query(READ_COMMITTED, (error) => {
        if (error) session.destroy();
      });
      keepOnePromiseWrapper(session);
    });
    return pool;
  },
};
