/**
 * Installing, removing and inspecting the legacy-capture triggers (see capture-triggers.ts for what they do), for
 * `npm run legacy:capture -- install|uninstall|status` and `npm run db:check`.
 *
 * Install swaps the triggers under `LOCK TABLES … WRITE` on the captured tables: no legacy write can land between
 * the old triggers' drop and the new ones' creation, so none is announced twice or missed. It drops only triggers
 * whose names carry CAPTURE_TRIGGER_PREFIX, and it first proves, with a throwaway trigger, that the account may
 * create triggers here (TRIGGER privilege; with binary logging on, log_bin_trust_function_creators or SUPER), so a
 * refusal leaves whatever was installed in place.
 */
import type { DataSource, QueryRunner } from 'typeorm';
import { type SchemaMap, textOf } from '@customerflow/platform';
import {
  CAPTURE_SQL_MODE,
  CAPTURE_TRIGGER_PREFIX,
  type CapturePlan,
  capturePlan,
  type CaptureServer,
} from './capture-triggers';

export type CaptureState = 'current' | 'stale' | 'not-installed';

export interface CaptureStatus {
  readonly state: CaptureState;
  /** The capture triggers in the database, as `name on table`. */
  readonly installed: readonly string[];
  /** The names the current map would install. */
  readonly expected: readonly string[];
  readonly hash: string;
}

/** Install cannot go ahead; the message says why and what fixes it. */
export class CaptureRefused extends Error {}

const PROBE = `${CAPTURE_TRIGGER_PREFIX}probe`;

export async function captureServerOf(dataSource: DataSource): Promise<CaptureServer> {
  const [row] = await dataSource.query<{ v: string }[]>('SELECT VERSION() AS v');
  return /mariadb/i.test(textOf(row.v)) ? 'mariadb' : 'mysql';
}

export async function captureStatus(dataSource: DataSource, map: SchemaMap): Promise<CaptureStatus> {
  const plan = capturePlan(map, await captureServerOf(dataSource));
  const installed = await installedTriggers(dataSource);
  const names = installed.map((t) => t.name).sort();
  const expected = plan.triggers.map((t) => t.name).sort();
  const current =
    names.length === expected.length &&
    plan.triggers.every((t) =>
      installed.some((i) => i.name === t.name && i.table.toLowerCase() === t.table.toLowerCase()),
    );
  return {
    state: installed.length === 0 ? 'not-installed' : current ? 'current' : 'stale',
    installed: installed.map((t) => `${t.name} on ${t.table}`),
    expected,
    hash: plan.hash,
  };
}

/** The one-line report `status` and `db:check` print. */
export function describeCaptureStatus(status: CaptureStatus): string {
  switch (status.state) {
    case 'current':
      return `legacy capture: installed and current (${status.installed.length} triggers, map hash ${status.hash}): legacy writes are announced`;
    case 'stale': {
      const hashes = [...new Set(status.installed.map((t) => t.slice(CAPTURE_TRIGGER_PREFIX.length).split('_')[0]))];
      return `legacy capture: installed but stale (the map or CustomerFlow changed: ${status.installed.length} trigger(s) of hash ${hashes.join(', ')}, the map now gives ${status.hash}): run npm run legacy:capture -- install again`;
    }
    case 'not-installed':
      return 'legacy capture: not installed: changes the legacy application makes are not announced (opt in: npm run legacy:capture -- install)';
  }
}

export interface InstallReport {
  readonly plan: CapturePlan;
  readonly dropped: readonly string[];
  readonly binaryLog: string;
}

export async function installCapture(dataSource: DataSource, map: SchemaMap): Promise<InstallReport> {
  const plan = capturePlan(map, await captureServerOf(dataSource));
  await requireOwnTables(dataSource);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    const binaryLog = await binaryLogging(runner);
    await probe(runner, plan.tables[0], binaryLog);
    const existing = await installedTriggers(dataSource);
    // Triggers left on tables the map no longer names cannot be dropped under LOCK TABLES of the new ones.
    const elsewhere = existing.filter(
      (t) => !plan.tables.some((table) => table.toLowerCase() === t.table.toLowerCase()),
    );
    for (const trigger of elsewhere) await runner.query(`DROP TRIGGER IF EXISTS \`${trigger.name}\``);
    const previousMode = await sqlModeOf(runner);
    await runner.query(`SET SESSION sql_mode = '${CAPTURE_SQL_MODE}'`);
    await runner.query(`LOCK TABLES ${plan.tables.map((t) => `\`${t}\` WRITE`).join(', ')}`);
    try {
      for (const trigger of existing.filter((t) => !elsewhere.includes(t)))
        await runner.query(`DROP TRIGGER IF EXISTS \`${trigger.name}\``);
      for (const trigger of plan.triggers) await runner.query(trigger.sql);
    } finally {
      await runner.query('UNLOCK TABLES');
      await runner.query('SET SESSION sql_mode = ?', [previousMode]);
    }
    return { plan, dropped: existing.map((t) => `${t.name} on ${t.table}`), binaryLog };
  } catch (error) {
    throw refusal(error) ?? error;
  } finally {
    await runner.release();
  }
}

/** Drops every capture trigger in the database; returns what it dropped. */
export async function uninstallCapture(dataSource: DataSource): Promise<string[]> {
  const existing = await installedTriggers(dataSource);
  for (const trigger of existing) await dataSource.query(`DROP TRIGGER IF EXISTS \`${trigger.name}\``);
  return existing.map((t) => `${t.name} on ${t.table}`);
}

async function installedTriggers(dataSource: DataSource): Promise<{ name: string; table: string }[]> {
  const rows = await dataSource.query<{ name: string; t: string }[]>(
    `SELECT TRIGGER_NAME AS name, EVENT_OBJECT_TABLE AS t FROM information_schema.TRIGGERS
      WHERE TRIGGER_SCHEMA = DATABASE() AND TRIGGER_NAME LIKE ? ORDER BY TRIGGER_NAME`,
    [`${CAPTURE_TRIGGER_PREFIX.replace(/_/g, '\\_')}%`],
  );
  return rows.map((row) => ({ name: textOf(row.name), table: textOf(row.t) })).filter((t) => t.name !== PROBE);
}

async function requireOwnTables(dataSource: DataSource): Promise<void> {
  const rows = await dataSource.query<{ t: string }[]>(
    `SELECT TABLE_NAME AS t FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN ('outbox_messages', 'customerflow_customer_state')`,
  );
  if (rows.length < 2) {
    throw new CaptureRefused(
      "refused: CustomerFlow's own tables (outbox_messages, customerflow_customer_state) do not exist yet\n" +
        '  fix: npm run migration:run, then install again',
    );
  }
}

async function binaryLogging(runner: QueryRunner): Promise<string> {
  const [row] = (await runner.query(
    'SELECT @@log_bin AS logBin, @@log_bin_trust_function_creators AS trusted, @@binlog_format AS format',
  )) as { logBin: unknown; trusted: unknown; format: unknown }[];
  if (Number(row.logBin) !== 1) return 'binary log off';
  return `binary log on (binlog_format ${textOf(row.format)}, log_bin_trust_function_creators ${Number(row.trusted)})`;
}

/** A throwaway trigger: proves the TRIGGER privilege and the binary-log rule before anything is dropped. */
async function probe(runner: QueryRunner, table: string, binaryLog: string): Promise<void> {
  try {
    await runner.query(`DROP TRIGGER IF EXISTS \`${PROBE}\``);
    await runner.query(
      `CREATE TRIGGER \`${PROBE}\` BEFORE INSERT ON \`${table}\` FOR EACH ROW SET @customerflow_probe = 1`,
    );
    await runner.query(`DROP TRIGGER \`${PROBE}\``);
  } catch (error) {
    throw refusal(error, binaryLog) ?? error;
  }
}

/** The refusals an operator can fix, with the fix; anything else stays the error it is. */
function refusal(error: unknown, binaryLog = ''): CaptureRefused | null {
  if (error instanceof CaptureRefused) return error;
  const { errno, message } = (error as { driverError?: { errno?: number }; errno?: number; message?: string }) ?? {};
  const code = (error as { driverError?: { errno?: number } }).driverError?.errno ?? errno;
  switch (code) {
    case 1142: // ER_TABLEACCESS_DENIED_ERROR: "TRIGGER command denied to user …"
    case 1044: // ER_DBACCESS_DENIED_ERROR
      return new CaptureRefused(
        `refused: this account lacks a privilege install needs (${message})\n` +
          '  fix: GRANT TRIGGER, LOCK TABLES ON <database>.* TO <CustomerFlow account>; then install again',
      );
    case 1419: // ER_BINLOG_CREATE_ROUTINE_NEED_SUPER
      return new CaptureRefused(
        `refused: ${binaryLog || 'binary logging is on'}, and creating triggers then needs SUPER or log_bin_trust_function_creators (${message})\n` +
          '  fix: SET GLOBAL log_bin_trust_function_creators = 1 (and in the server configuration, to survive a restart), or install as an account with SUPER',
      );
    case 1227: // ER_SPECIFIC_ACCESS_DENIED_ERROR (SUPER, or LOCK TABLES)
      return new CaptureRefused(
        `refused: ${message}\n  fix: GRANT TRIGGER, LOCK TABLES ON <database>.* TO <CustomerFlow account>; with binary logging on, also log_bin_trust_function_creators = 1 or SUPER`,
      );
    default:
      return null;
  }
}

async function sqlModeOf(runner: QueryRunner): Promise<string> {
  const [row] = (await runner.query('SELECT @@SESSION.sql_mode AS mode')) as { mode: unknown }[];
  return textOf(row.mode);
}
