/**
 * Leaving AUTO_INCREMENT while legacy code keeps inserting (README, "Leaving AUTO_INCREMENT"): a legacy writer
 * (plain mysql2, 4 connections, inserting without ids) and two CustomerFlow processes register customers at the same
 * time; midway `ids:hilo` prepares the table and the processes are rolled onto hilo one by one, and the database
 * server is restarted once. Then the same back to AUTO_INCREMENT. Zero duplicate keys, and every insert either side
 * saw acknowledged is present exactly once.
 *
 * The server is a private one of this test's own, of the shared server's kind (MariaDB, or MySQL under
 * TEST_MYSQL_ROOT: test/support/private-database-server.ts), so restarting it disturbs nobody. LEAVING_AUTO_INCREMENT_SECONDS shortens each run for a quick local try (default 60).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { dataSourceOptions, parseDatabaseUrl } from '../../libs/platform/src';
import { type ServiceProcess, sleep, startService } from '../faults/support/service-process';
import { type Acknowledged, ApiWriter, LegacyWriter, type WriterLedger } from '../support/mixed-writers';
import { freePort, PrivateDatabaseServer } from '../support/private-database-server';

const exec = promisify(execFile);
const SECONDS = Number(process.env.LEAVING_AUTO_INCREMENT_SECONDS ?? 60);
const idsCommand = join(__dirname, '..', '..', 'dist', 'apps', 'customerflow-api', 'src', 'ids.js');

const LEGACY_INSERT = {
  sql: "INSERT INTO customers (name, email, status, version, created_at, updated_at) VALUES ('Legacy Writer', ?, 'active', 1, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3))",
  params: (email: string) => [email],
};

/**
 * SIGTERM, as a rolling restart sends; SIGKILL after 5 s, since clients that keep their connections busy can hold
 * an HTTP server open (and a process that dies holding an id block is a case the allocator must survive anyway).
 */
/** What the processes logged for each request answered 500 (the problem filter's line, with the error's stack). */
async function unexpectedErrorsLogged(logDir: string): Promise<string[]> {
  const lines = await Promise.all(
    (await readdir(logDir)).map(async (file) => (await readFile(join(logDir, file), 'utf8')).split('\n')),
  );
  return lines.flat().filter((line) => line.includes('"context":"ProblemDetails"'));
}

async function stopGracefully(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGTERM');
  const timer = setTimeout(() => service.child.kill('SIGKILL'), 5000);
  await service.exited;
  clearTimeout(timer);
}

describe('leaving AUTO_INCREMENT while legacy code inserts', () => {
  let server: PrivateDatabaseServer;
  let url: string;
  let processes: ServiceProcess[] = [];

  beforeAll(async () => {
    server = await PrivateDatabaseServer.start();
    url = await server.url('cf_leaving');
    const dataSource = new DataSource(dataSourceOptions(parseDatabaseUrl('DATABASE_URL', url)));
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.destroy();
  }, 120_000);

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.kill('SIGKILL')));
    await server?.stop();
  });

  const envFor = (strategy: 'hilo' | 'autoincrement') => ({
    DATABASE_URL: url,
    ID_STRATEGY: strategy,
    HILO_BLOCK_SIZE: '50', // small blocks: many reservations, each racing the legacy inserts
    OUTBOX_POLL_MS: '500',
  });

  /** Runs both writers for SECONDS while `switchOver` happens, and returns their ledgers. */
  async function mixedRun(from: 'hilo' | 'autoincrement', to: 'hilo' | 'autoincrement') {
    const logDir = await mkdtemp(join(tmpdir(), 'customerflow-leaving-logs-'));
    processes = [
      await startService('api', envFor(from), { port: await freePort(), logDir }),
      await startService('api', envFor(from), { port: await freePort(), logDir }),
    ];
    const legacy = new LegacyWriter(() => server.connect('cf_leaving'), LEGACY_INSERT, 4);
    const api = [0, 1].map((i) => new ApiWriter(() => processes[i].url, 3));
    const at = (fraction: number) => sleep(SECONDS * 1000 * fraction);
    const started = Date.now();
    const step = (what: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${what}\n`);
    await at(0.2);
    step(`ids:${to}`);
    const command = await exec(process.execPath, [idsCommand, to, '--table', 'customers'], {
      env: { ...process.env, DATABASE_URL: url },
    });
    for (const i of [0, 1]) {
      await at(0.1);
      step(`rolling process ${i} onto ${to}`);
      const { port } = processes[i];
      await stopGracefully(processes[i]);
      processes[i] = await startService('api', envFor(to), { port, logDir });
    }
    await at(0.15);
    step('restarting the database server');
    await server.restart();
    step('database server is back');
    await at(0.4);
    step('stopping the writers');
    const ledgers = { legacy: await legacy.stop(), api: await Promise.all(api.map((w) => w.stop())) };
    step('stopping the processes');
    await Promise.all(processes.map(stopGracefully));
    processes = [];
    step('done');
    const serviceErrors = await unexpectedErrorsLogged(logDir);
    await rm(logDir, { recursive: true, force: true });
    return {
      command: command.stdout,
      ledgers,
      statuses: api.map((w) => Object.fromEntries(w.statuses)),
      serviceErrors,
    };
  }

  async function expectEachExactlyOnce(acknowledged: Acknowledged[]): Promise<void> {
    const connection = await server.connect('cf_leaving');
    try {
      const [rows] = (await connection.query('SELECT id, email FROM customers')) as [
        Array<{ id: string; email: string }>,
        unknown,
      ];
      const byEmail = new Map<string, string[]>();
      for (const row of rows) byEmail.set(row.email, [...(byEmail.get(row.email) ?? []), String(row.id)]);
      const wrong = acknowledged.filter((a) => (byEmail.get(a.email) ?? []).join() !== a.id);
      expect(wrong).toEqual([]);
      expect(new Set(acknowledged.map((a) => a.id)).size).toBe(acknowledged.length);
    } finally {
      await connection.end();
    }
  }

  function report(name: string, run: Awaited<ReturnType<typeof mixedRun>>): void {
    const line = (who: string, l: WriterLedger) =>
      `${who}: ${l.acknowledged.length} acknowledged, ${l.forbidden.length} forbidden, ${l.otherFailures} other failures`;
    process.stdout.write(
      `\n${name}\n${run.command}${line('legacy', run.ledgers.legacy)}\n${run.ledgers.api.map((l, i) => line(`api ${i}`, l)).join('\n')}\nstatuses ${JSON.stringify(run.statuses)}\n`,
    );
  }

  it(
    `switches to hilo while both write (${SECONDS} s, a server restart): no duplicate key, every acknowledged insert once`,
    async () => {
      const run = await mixedRun('autoincrement', 'hilo');
      report('autoincrement → hilo', run);
      const { legacy, api } = run.ledgers;
      expect(run.command).toContain('recorded: customers is ready for hilo ids');
      // A 500 fails the test with what the process logged for it.
      expect({ forbidden: [legacy, ...api].flatMap((l) => l.forbidden), logged: run.serviceErrors }).toEqual({
        forbidden: [],
        logged: [],
      });
      expect(legacy.acknowledged.length).toBeGreaterThan(100);
      expect(api.every((l) => l.acknowledged.length > 50)).toBe(true);
      await expectEachExactlyOnce([...legacy.acknowledged, ...api.flatMap((l) => l.acknowledged)]);
    },
    (SECONDS + 90) * 1000,
  );

  it(
    `switches back to AUTO_INCREMENT the same way (${SECONDS} s, a server restart)`,
    async () => {
      const run = await mixedRun('hilo', 'autoincrement');
      report('hilo → autoincrement', run);
      const { legacy, api } = run.ledgers;
      expect(run.command).toContain('recorded: customers is back on AUTO_INCREMENT');
      // A 500 fails the test with what the process logged for it.
      expect({ forbidden: [legacy, ...api].flatMap((l) => l.forbidden), logged: run.serviceErrors }).toEqual({
        forbidden: [],
        logged: [],
      });
      expect(legacy.acknowledged.length).toBeGreaterThan(100);
      await expectEachExactlyOnce([...legacy.acknowledged, ...api.flatMap((l) => l.acknowledged)]);
    },
    (SECONDS + 90) * 1000,
  );
});
