import { isDatabaseUnavailable } from './sql-dialect';

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:3306' }],
    ['a connection the server closed', { code: 'PROTOCOL_CONNECTION_LOST', message: 'Connection lost' }],
    ['a pooled connection already closed', { message: "Can't add new command when connection is in closed state" }],
    ['the server shutting down', { errno: 1053, code: 'ER_SERVER_SHUTDOWN' }],
    // mysql2 has no name for MySQL's newer numbers: only errno says it.
    ['MySQL closing a connection idle past wait_timeout', { errno: 4031, message: 'The client was disconnected' }],
    ['MariaDB killing the connection', { errno: 1927, code: 'ER_CONNECTION_KILLED' }],
    ['MySQL killing the session', { errno: 3169 }],
    ['a statement interrupted by KILL QUERY or a shutdown', { errno: 1317, code: 'ER_QUERY_INTERRUPTED' }],
    ['the same wrapped by TypeORM', { driverError: { errno: 4031 }, message: 'QueryFailedError' }],
  ])('%s is unavailable (503)', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it.each([
    ['a duplicate key', { errno: 1062, code: 'ER_DUP_ENTRY' }],
    ['a deadlock', { errno: 1213, code: 'ER_LOCK_DEADLOCK' }],
    ['a syntax error', { errno: 1064, code: 'ER_PARSE_ERROR' }],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
  ])('%s is not', (_label, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
