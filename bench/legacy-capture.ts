/**
 * `npm run bench:capture`: what the legacy-capture triggers cost each legacy write. A legacy writer (plain mysql2,
 * autocommit, one row per statement, as a legacy form saves) inserts, updates and deletes N rows of the clientes
 * fixture, with capture off and then on, alternating for a few rounds; the figure per kind is the median round.
 *
 * BENCH_DATABASE_URL (default mysql://root@127.0.0.1:3306/customerflow_capture_bench; the database is dropped and
 * created), BENCH_CAPTURE_WRITES (rows per kind and round, default 2000), BENCH_CAPTURE_ROUNDS (default 3).
 * Needs `npm run build` (it runs the migrations and `legacy:capture` as the operator would).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Connection, createConnection } from 'mysql2/promise';

const ROOT = join(__dirname, '..');
const URL_TEXT = process.env.BENCH_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/customerflow_capture_bench';
const WRITES = Number(process.env.BENCH_CAPTURE_WRITES ?? 2000);
const ROUNDS = Number(process.env.BENCH_CAPTURE_ROUNDS ?? 3);
const MAP = join(ROOT, 'test', 'fixtures', 'legacy', 'clientes.map.json');

type Kind = 'insert' | 'update' | 'delete';
const KINDS: Kind[] = ['insert', 'update', 'delete'];

async function main(): Promise<void> {
  const url = new URL(URL_TEXT);
  const database = url.pathname.slice(1);
  const base = { host: url.hostname, port: Number(url.port || 3306), user: decodeURIComponent(url.username) };
  const admin = await createConnection({ ...base, password: decodeURIComponent(url.password) });
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await admin.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();
  const sql = await createConnection({
    ...base,
    password: decodeURIComponent(url.password),
    database,
    multipleStatements: true,
  });
  await sql.query(readFileSync(join(ROOT, 'test', 'fixtures', 'legacy', 'clientes.sql'), 'utf8'));
  const env = { DATABASE_URL: URL_TEXT, SCHEMA_MAP_FILE: MAP };
  cli(['node_modules/typeorm/cli.js', 'migration:run', '-d', 'dist/ormconfig.js'], env);
  const [[version]] = (await sql.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]];
  console.log(
    `legacy capture cost: ${WRITES} single-row writes per kind and round, ${ROUNDS} rounds, autocommit; ` +
      `MariaDB/MySQL ${version.v}, ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
  );

  const results: Record<'off' | 'on', Record<Kind, number[]>> = {
    off: { insert: [], update: [], delete: [] },
    on: { insert: [], update: [], delete: [] },
  };
  await round(sql, 20); // warm the buffer pool and the connection
  for (let r = 0; r < ROUNDS; r += 1) {
    for (const mode of ['off', 'on'] as const) {
      cli(['dist/apps/customerflow-api/src/legacy-capture.js', mode === 'on' ? 'install' : 'uninstall'], env);
      const times = await round(sql, WRITES);
      for (const kind of KINDS) results[mode][kind].push(times[kind]);
    }
  }
  cli(['dist/apps/customerflow-api/src/legacy-capture.js', 'uninstall'], env);
  const [[outbox]] = (await sql.query('SELECT COUNT(*) AS n FROM outbox_messages')) as unknown as [[{ n: number }]];
  await sql.end();

  console.log('\n| legacy write | capture off | capture on | on / off |\n| --- | --- | --- | --- |');
  for (const kind of KINDS) {
    const off = median(results.off[kind]);
    const on = median(results.on[kind]);
    console.log(`| ${kind} | ${off.toFixed(0)} µs | ${on.toFixed(0)} µs | ${(on / off).toFixed(2)}x |`);
  }
  console.log(`\n${outbox.n} outbox rows written by the triggers (${ROUNDS} × ${WRITES} × 3 expected)`);
}

/** Microseconds per statement for each kind: N inserts, then an update of each, then a delete of each. */
async function round(sql: Connection, n: number): Promise<Record<Kind, number>> {
  const ids: number[] = [];
  let started = performance.now();
  for (let i = 0; i < n; i += 1) {
    const [result] = (await sql.query(
      "INSERT INTO clientes (nome, email, cpf_cnpj, telefone, dt_nascimento, ativo, dt_cadastro) VALUES (?, ?, '529.982.247-25', '+5511987654321', '1980-02-03', 1, NOW())",
      [`Cliente ${i}`, `cliente.${i}@legacy.example`],
    )) as unknown as [{ insertId: number }];
    ids.push(result.insertId);
  }
  const insert = ((performance.now() - started) * 1000) / n;
  started = performance.now();
  for (const id of ids) await sql.query('UPDATE clientes SET nome = ? WHERE id_cliente = ?', [`Renamed ${id}`, id]);
  const update = ((performance.now() - started) * 1000) / n;
  started = performance.now();
  for (const id of ids) await sql.query('DELETE FROM clientes WHERE id_cliente = ?', [id]);
  const remove = ((performance.now() - started) * 1000) / n;
  return { insert, update, delete: remove };
}

function cli(args: string[], env: Record<string, string>): void {
  const result = spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
