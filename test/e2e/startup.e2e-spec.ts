/**
 * Start-up as an operator sees it: the compiled service (`npm run build`) refuses a bad configuration with one
 * line naming the variable, and serves on the embedded default with no configuration at all.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// better-sqlite3 ships no types; this is the sliver the test uses. A typed require() is the way to say so without
// a declaration file, hence the rule's exception.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (
  file: string,
  options: { readonly: boolean },
) => {
  prepare(sql: string): { get(...params: unknown[]): unknown };
  close(): void;
};

const main = join(__dirname, '..', '..', 'dist', 'apps', 'customerflow-api', 'src', 'main.js');
const relayMain = join(__dirname, '..', '..', 'dist', 'apps', 'customerflow-relay', 'src', 'main.js');

function start(
  env: Record<string, string>,
  cwd: string,
  entry = main,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [entry], {
      cwd,
      env: { PATH: process.env.PATH!, LOG_LEVEL: 'silent', ...env },
    });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, stdout });
    });
  });
}

describe('start-up configuration', () => {
  let cwd: string;
  beforeAll(() => (cwd = mkdtempSync(join(tmpdir(), 'customerflow-startup-'))));
  afterAll(() => rmSync(cwd, { recursive: true, force: true }));

  it.each([
    ['PORT', 'abc'],
    ['DATABASE_URL', 'postgres://db:5432/customers'],
    ['ID_STRATEGY', 'uuid'],
  ])(
    'stops on %s=%s with one line naming the variable',
    async (variable, value) => {
      const result = await start({ [variable]: value }, cwd);
      expect(result.code).toBe(1);
      const lines = result.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
    },
    20_000,
  );

  it('refuses to start the relay without AMQP_URL, in one line: the in-memory transport is for the API alone', async () => {
    const result = await start({}, cwd, relayMain);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^Invalid configuration: AMQP_URL must be set for customerflow-relay, which publishes to RabbitMQ/,
      ),
    ]);
  }, 20_000);

  it('refuses a .env in production with one line naming the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'customerflow-dotenv-'));
    try {
      writeFileSync(join(dir, '.env'), 'PORT=1\n');
      const result = await start({ NODE_ENV: 'production' }, dir);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split('\n')).toEqual([
        `Invalid configuration: .env is not read when NODE_ENV=production (found ${join(dir, '.env')}): set the variables in the environment, or remove the file`,
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  it('reads .env in development, says so in one line, and logs JSON when stdout is not a terminal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'customerflow-dotenv-'));
    const port = String(30_000 + Math.floor(Math.random() * 20_000));
    writeFileSync(join(dir, '.env'), `PORT=${port}\nLOG_LEVEL=info\n`);
    let stderr = '';
    let stdout = '';
    // LOG_LEVEL is not passed, so the file's `info` applies.
    const child = spawn(process.execPath, [main], { cwd: dir, env: { PATH: process.env.PATH! } });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => (stdout += chunk));
    try {
      let ready = false;
      for (let i = 0; i < 100 && !ready; i++) {
        await new Promise((r) => setTimeout(r, 100));
        ready = await fetch(`http://127.0.0.1:${port}/health/live`).then(
          (r) => r.ok,
          () => false,
        );
      }
      expect(ready).toBe(true);
      expect(stderr.trim().split('\n')).toEqual([
        `Read 2 variable(s) from ${join(dir, '.env')}: development (NODE_ENV is not production), the environment wins over the file`,
      ]);
      const lines = stdout.trim().split('\n');
      expect(lines.length).toBeGreaterThan(0);
      const records = lines.map((line) => JSON.parse(line) as { level: number; time: number; msg: string });
      for (const record of records) expect(record).toMatchObject({ time: expect.any(Number) });
      // Info lines, and one warning: no token is asked for on the embedded default, and the log says so.
      expect(records.filter((record) => record.level !== 30).map((record) => [record.level, record.msg])).toEqual([
        [40, expect.stringMatching(/^Authentication is OFF \(embedded default\)/)],
      ]);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);

  it('serves the API on the embedded default with no configuration, carrying trace context into the outbox', async () => {
    const port = String(30_000 + Math.floor(Math.random() * 20_000));
    const child = spawn(process.execPath, [main], {
      cwd,
      env: { PATH: process.env.PATH!, PORT: port, LOG_LEVEL: 'silent' },
    });
    try {
      let ready = false;
      // Patient: on a loaded machine start-up alone can take more than ten seconds.
      for (let i = 0; i < 300 && !ready; i++) {
        await new Promise((r) => setTimeout(r, 100));
        ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
          (r) => r.ok,
          () => false,
        );
      }
      expect(ready).toBe(true);
      const created = await fetch(`http://127.0.0.1:${port}/v1/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Ana Souza', email: 'ana@example.com' }),
      });
      expect(created.status).toBe(201);
      // An incoming W3C trace context travels into the outbox row, for the relay to pass on to subscribers.
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const traced = await fetch(`http://127.0.0.1:${port}/v1/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
        body: JSON.stringify({ name: 'Bia Souza', email: 'bia@example.com' }),
      });
      expect(traced.status).toBe(201);
      const { id } = (await traced.json()) as { id: string };
      const db = new Database(join(cwd, 'data', 'customerflow.sqlite'), { readonly: true });
      const row = db.prepare('SELECT payload, headers FROM outbox_messages WHERE aggregateid = ?').get(id) as {
        payload: string;
        headers: string;
      };
      db.close();
      expect(JSON.parse(row.payload).traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
      expect(JSON.parse(row.headers).traceparent).toBe(JSON.parse(row.payload).traceparent);
    } finally {
      child.kill('SIGTERM');
    }
  }, 60_000);

  it('logs every HTTP request at LOG_LEVEL=debug, and none at info', async () => {
    const port = () => String(30_000 + Math.floor(Math.random() * 20_000));
    const requestLines = async (level: string): Promise<string[]> => {
      const listen = port();
      const child = spawn(process.execPath, [main], {
        cwd,
        env: { PATH: process.env.PATH!, PORT: listen, LOG_LEVEL: level, DATABASE_URL: 'sqlite::memory:' },
      });
      let stdout = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      try {
        let answered = false;
        for (let i = 0; i < 300 && !answered; i++) {
          await new Promise((r) => setTimeout(r, 100));
          answered = await fetch(`http://127.0.0.1:${listen}/v1/customers/424242`).then(
            (r) => r.status === 404,
            () => false,
          );
        }
        expect(answered).toBe(true);
        await new Promise((r) => setTimeout(r, 200));
      } finally {
        child.kill('SIGTERM');
      }
      return stdout.split('\n').filter((line) => line.includes('"url":"/v1/customers/424242"'));
    };
    const debug = await requestLines('debug');
    expect(debug.length).toBeGreaterThan(0);
    expect(JSON.parse(debug[0])).toMatchObject({ req: { method: 'GET' }, res: { statusCode: 404 } });
    expect(await requestLines('info')).toEqual([]);
  }, 90_000);
});
