/**
 * Preloaded (node -r) into the side under test for the register scenario: counts every command the process sends
 * to MariaDB through mysql2 (each one is a round trip: a query, a prepared-statement execute, a ping), by kind and
 * by statement shape ("INSERT customers", "COMMIT"...). Counting on the client is exact and does not depend on what
 * else runs on the machine or on the shared server. The bench asks for the counts over IPC.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const mysql2 = require('mysql2') as {
  Connection: { prototype: { addCommand: (this: unknown, cmd: Command) => unknown } };
};

interface Command {
  constructor: { name: string };
  sql?: string;
  query?: string;
}

const counts = new Map<string, number>();

const addCommand = mysql2.Connection.prototype.addCommand;
mysql2.Connection.prototype.addCommand = function (this: unknown, cmd: Command) {
  const key = shapeOf(cmd);
  if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  return addCommand.call(this, cmd);
};

/** Nothing for the handshake and quit; the statement's verb and table otherwise. */
function shapeOf(cmd: Command): string | null {
  const kind = cmd.constructor.name;
  if (kind === 'Ping') return 'PING';
  if (kind !== 'Query' && kind !== 'Execute' && kind !== 'Prepare') return null;
  const sql = (cmd.sql ?? cmd.query ?? '').replace(/\s+/g, ' ').trim();
  const verb = /^(\w+(?: TRANSACTION| SESSION)?)/i.exec(sql)?.[1]?.toUpperCase() ?? '?';
  const table = /\b(?:INTO|FROM|UPDATE|JOIN)\s+`?(\w+)`?/i.exec(sql)?.[1];
  return `${kind === 'Query' ? '' : `${kind.toLowerCase()} `}${verb}${table ? ` ${table}` : ''}`;
}

process.on('message', (message: { type?: string }) => {
  if (message?.type === 'bench:round-trips') {
    process.send?.({ type: 'bench:round-trips-counted', counts: Object.fromEntries(counts) });
  }
});
process.channel?.unref();
