/**
 * `npm run ids:hilo` and `npm run ids:autoincrement`: the checked, recorded steps of moving one table that legacy
 * code keeps inserting into from AUTO_INCREMENT to hilo ids and back. The allocator itself (HiloIdGenerator) is
 * safe whenever it runs; these commands prove the table and the server can support it before any process relies
 * on it, and leave the table in a state from which either strategy is safe.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import { dialectOf } from '../sql-dialect';
import { maxId, moveCounter, readCounter, type ServerFacts, serverFacts, withHiloLock } from './auto-increment-counter';
import type { AppConfig } from '../../config/app-config';
import type { SchemaMap } from '../schema-map/schema-map';
import { HiloIdGenerator } from './hilo-id-generator';

export interface IdSwitchTarget {
  readonly table: string;
  readonly column: string;
  readonly blockSize: number;
}

export class IdSwitchRefused extends Error {}

interface ColumnFacts {
  readonly columnType: string;
  readonly autoIncrement: boolean;
  readonly primaryKey: boolean;
  readonly engine: string;
}

const TYPE_MAX: Record<string, bigint> = {
  tinyint: 127n,
  smallint: 32_767n,
  mediumint: 8_388_607n,
  int: 2_147_483_647n,
  bigint: 9_223_372_036_854_775_807n,
};

export async function switchToHilo(dataSource: DataSource, target: IdSwitchTarget): Promise<string[]> {
  return withRunner(dataSource, async (runner) => {
    const facts = await serverFacts(runner);
    const column = await describeColumn(runner, target);
    const lines = [...describeServer(facts), ...describeTable(target, column)];
    if (!facts.persistsCounter) {
      throw new IdSwitchRefused(
        `${facts.version} does not keep AUTO_INCREMENT counters across a restart (MySQL 5.7 recomputes them as ` +
          'MAX(id) + 1): after a restart legacy inserts could take ids inside a block in use. Upgrade to MySQL 8.0 or MariaDB 10.2.4+ first.',
      );
    }
    const before = await counterAndMax(runner, target, facts);
    lines.push(`counter ${before.counter ?? '?'}, MAX(${target.column}) ${before.max}`);
    headroom(column, before.max + BigInt(target.blockSize), lines);
    // A real reservation is the proof that this account may move the counter and gets the metadata lock in time.
    const block = await new HiloIdGenerator(dataSource, null, target.blockSize).reserveBlock({
      name: target.table,
      table: target.table,
      column: target.column,
    });
    await record(runner, target.table, 'hilo');
    const after = await counterAndMax(runner, target, facts);
    lines.push(
      `reserved [${block.start}, ${block.end}) as a test of the privileges and the lock (left unused: a gap); ` +
        `the counter now stands at ${after.counter ?? block.end}, legacy inserts continue from there`,
      `recorded: ${target.table} is ready for hilo ids (blocks of ${target.blockSize})`,
    );
    return lines;
  });
}

export async function switchToAutoIncrement(dataSource: DataSource, target: IdSwitchTarget): Promise<string[]> {
  return withRunner(dataSource, async (runner) => {
    const facts = await serverFacts(runner);
    const column = await describeColumn(runner, target);
    const lines = [...describeServer(facts), ...describeTable(target, column)];
    await withHiloLock(runner, target.table, 10, async () => {
      const rows = (await runner.query('SELECT next_value FROM hilo_sequences WHERE name = ?', [
        target.table,
      ])) as Array<{
        next_value: string | number;
      }>;
      const highWater = rows.length > 0 ? BigInt(rows[0].next_value) : null;
      const { counter, max } = await counterAndMax(runner, target, facts);
      if (highWater === null) {
        lines.push(`no hilo block was ever reserved for ${target.table}: nothing to secure`);
      } else if (counter !== null && counter >= highWater && counter > max) {
        lines.push(`counter ${counter} is above every hilo block handed out (high-water mark ${highWater})`);
      } else {
        // A server that lost the counter (a MySQL 5.7 restart, a restored dump) would give legacy inserts ids in blocks
        // that processes still hold: put it back above them.
        const value = highWater > max ? highWater : max + 1n;
        await moveCounter(runner, target.table, value);
        lines.push(`moved the counter from ${counter ?? '?'} to ${value}, above every hilo block handed out`);
      }
      await record(runner, target.table, 'autoincrement');
    });
    lines.push(
      `recorded: ${target.table} is back on AUTO_INCREMENT; processes still on hilo stay safe until they are restarted ` +
        '(their blocks are below the counter)',
    );
    return lines;
  });
}

async function withRunner<T>(dataSource: DataSource, work: (runner: QueryRunner) => Promise<T>): Promise<T> {
  if (dialectOf(dataSource) !== 'mysql') {
    throw new IdSwitchRefused('the embedded SQLite has a single writer: set ID_STRATEGY instead');
  }
  const runner = dataSource.createQueryRunner('master');
  try {
    await runner.connect();
    return await work(runner);
  } finally {
    await runner.release();
  }
}

async function describeColumn(runner: QueryRunner, target: IdSwitchTarget): Promise<ColumnFacts> {
  const rows = (await runner.query(
    `SELECT c.COLUMN_TYPE AS column_type, c.EXTRA AS extra, c.COLUMN_KEY AS column_key, t.ENGINE AS engine
       FROM information_schema.COLUMNS c
       JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
      WHERE c.TABLE_SCHEMA = DATABASE() AND c.TABLE_NAME = ? AND c.COLUMN_NAME = ?`,
    [target.table, target.column],
  )) as Array<{ column_type: string; extra: string; column_key: string; engine: string }>;
  if (rows.length === 0) throw new IdSwitchRefused(`there is no column ${target.table}.${target.column}`);
  const facts: ColumnFacts = {
    columnType: rows[0].column_type,
    autoIncrement: /auto_increment/i.test(rows[0].extra),
    primaryKey: rows[0].column_key === 'PRI',
    engine: rows[0].engine,
  };
  if (!/^innodb$/i.test(facts.engine)) {
    throw new IdSwitchRefused(`${target.table} is ${facts.engine}, not InnoDB: its counter cannot be reserved safely`);
  }
  if (!facts.autoIncrement) {
    throw new IdSwitchRefused(
      `${target.table}.${target.column} is not AUTO_INCREMENT: legacy code supplies its ids, so no counter protects a block`,
    );
  }
  return facts;
}

function describeServer(facts: ServerFacts): string[] {
  return [
    `server ${facts.version}: AUTO_INCREMENT counters ${facts.persistsCounter ? 'survive' : 'do NOT survive'} a restart`,
    `auto_increment_increment ${facts.autoIncrementIncrement}, auto_increment_offset ${facts.autoIncrementOffset}; ` +
      (facts.binaryLog ? `binary log on (${facts.binlogFormat})` : 'binary log off'),
  ];
}

function describeTable(target: IdSwitchTarget, column: ColumnFacts): string[] {
  return [
    `${target.table}.${target.column}: ${column.columnType} AUTO_INCREMENT${column.primaryKey ? ' PRIMARY KEY' : ''}, ${column.engine}`,
  ];
}

async function counterAndMax(
  runner: QueryRunner,
  target: IdSwitchTarget,
  facts: ServerFacts,
): Promise<{ counter: bigint | null; max: bigint }> {
  return {
    counter: await readCounter(runner, target.table, facts.mariadb),
    max: await maxId(runner, target.table, target.column),
  };
}

function headroom(column: ColumnFacts, next: bigint, lines: string[]): void {
  const type = /^(\w+)/.exec(column.columnType)?.[1].toLowerCase() ?? '';
  const signedMax = TYPE_MAX[type];
  if (!signedMax) return;
  const max = /unsigned/i.test(column.columnType) ? signedMax * 2n + 1n : signedMax;
  const left = max - next;
  lines.push(`${left} ids left before ${column.columnType} is exhausted`);
  if (left < max / 10n) lines.push('warning: less than 10% of the id range is left; every lost block is a gap in it');
}

async function record(runner: QueryRunner, table: string, strategy: 'hilo' | 'autoincrement'): Promise<void> {
  await runner.query(
    `INSERT INTO hilo_sequences (name, next_value, strategy, switched_at) VALUES (?, 1, ?, UTC_TIMESTAMP(3))
     ON DUPLICATE KEY UPDATE strategy = VALUES(strategy), switched_at = VALUES(switched_at)`,
    [table, strategy],
  );
}

/**
 * The table whose ids can leave AUTO_INCREMENT, with the strategy it gets: the schema map's `ids` entry for the
 * mapped customer table (AUTO_INCREMENT when it has none), `ID_STRATEGY` for CustomerFlow's own `customers`.
 * Address rows keep AUTO_INCREMENT (their ids are never exposed; see the schema map's validation).
 */
export interface IdTarget extends IdSwitchTarget {
  readonly strategy: 'autoincrement' | 'hilo';
}

export function idTargetsOf(config: AppConfig): IdTarget[] {
  if (!config.schemaMap) {
    return [{ table: 'customers', column: 'id', strategy: config.idStrategy, blockSize: config.hiloBlockSize }];
  }
  return [customerIdTarget(config.schemaMap, config.hiloBlockSize)];
}

export function customerIdTarget(map: SchemaMap, defaultBlockSize?: number): IdTarget {
  const entry = map.customers;
  return {
    table: entry.table,
    column: entry.id,
    strategy: entry.ids?.strategy ?? 'autoincrement',
    // Without a blockSize in the map the generator's default (HILO_BLOCK_SIZE) applies.
    blockSize: entry.ids?.blockSize ?? defaultBlockSize ?? 0,
  };
}
