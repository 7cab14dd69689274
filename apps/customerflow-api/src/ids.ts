/**
 * `npm run ids:hilo -- --table <table>` and `npm run ids:autoincrement -- --table <table>`: prepare a table that
 * legacy code keeps inserting into for hilo ids, or take it back to AUTO_INCREMENT (see README, "Leaving
 * AUTO_INCREMENT"). The table is one the schema map names (or CustomerFlow's own `customers` without a map).
 */
import {
  type AppConfig,
  IdSwitchRefused,
  type IdSwitchTarget,
  idTargetsOf,
  switchToAutoIncrement,
  switchToHilo,
} from '@customerflow/platform';
import { fail, option, runCommand } from './cli-support';

const [, , direction, ...args] = process.argv;

void runCommand(async (config, dataSource) => {
  if (direction !== 'hilo' && direction !== 'autoincrement') fail('usage: ids.js hilo|autoincrement --table <table>');
  const target = targetOf(config, option(args, 'table'), option(args, 'block-size'));
  console.log(`ids:${direction} ${target.table}.${target.column}`);
  let lines: string[];
  try {
    lines =
      direction === 'hilo' ? await switchToHilo(dataSource, target) : await switchToAutoIncrement(dataSource, target);
  } catch (error) {
    if (error instanceof IdSwitchRefused) fail(`refused: ${error.message}`);
    throw error;
  }
  for (const line of lines) console.log(`  ${line}`);
  console.log(nextSteps(direction, target, config.schemaMap !== null));
});

function targetOf(config: AppConfig, table: string | undefined, blockSize: string | undefined): IdSwitchTarget {
  const targets = idTargetsOf(config);
  if (!table) fail(`name the table: --table ${targets.map((t) => t.table).join(' | ')}`);
  const target = targets.find((t) => t.table === table);
  if (!target) {
    fail(
      `${table} is not a table CustomerFlow writes ids into (${config.schemaMap ? 'see SCHEMA_MAP_FILE' : 'no SCHEMA_MAP_FILE'}): ` +
        targets.map((t) => t.table).join(', '),
    );
  }
  if (blockSize === undefined) return target;
  const size = Number(blockSize);
  if (!Number.isInteger(size) || size < 1 || size > 1_000_000)
    fail('--block-size must be a whole number between 1 and 1000000');
  return { ...target, blockSize: size };
}

function nextSteps(direction: 'hilo' | 'autoincrement', target: IdSwitchTarget, mapped: boolean): string {
  const setting =
    direction === 'hilo'
      ? mapped
        ? `in the schema map, give ${target.table} "ids": { "strategy": "hilo", "blockSize": ${target.blockSize} }`
        : `set ID_STRATEGY=hilo (and HILO_BLOCK_SIZE=${target.blockSize})`
      : mapped
        ? `in the schema map, give ${target.table} "ids": { "strategy": "autoincrement" } (or remove its "ids" entry)`
        : 'set ID_STRATEGY=autoincrement';
  return [
    'next:',
    `  1. ${setting}`,
    '  2. restart the CustomerFlow processes one by one; legacy writers need not stop, and processes on either',
    '     strategy can run side by side meanwhile',
  ].join('\n');
}
