/**
 * Start-up as an operator sees it: the compiled service (`npm run build`) refuses a bad configuration with one
 * line naming the variable, and serves on the embedded default with no configuration at all.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const main = join(__dirname, '..', '..', 'dist', 'apps', 'customerflow-api', 'src', 'main.js');

function start(env: Record<string, string>, cwd: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main], { cwd, env: { PATH: process.env.PATH!, LOG_LEVEL: 'silent', ...env } });
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
  ])('stops on %s=%s with one line naming the variable', async (variable, value) => {
    const result = await start({ [variable]: value }, cwd);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Invalid configuration: ${variable} `));
  }, 20_000);

  it('serves the API on the embedded default with no configuration', async () => {
    const port = String(30_000 + Math.floor(Math.random() * 20_000));
    const child = spawn(process.execPath, [main], { cwd, env: { PATH: process.env.PATH!, PORT: port, LOG_LEVEL: 'silent' } });
    try {
      let ready = false;
      for (let i = 0; i < 100 && !ready; i++) {
        await new Promise((r) => setTimeout(r, 100));
        ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then((r) => r.ok, () => false);
      }
      expect(ready).toBe(true);
      const created = await fetch(`http://127.0.0.1:${port}/v1/customers`, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Ana Souza', email: 'ana@example.com' }),
      });
      expect(created.status).toBe(201);
    } finally {
      child.kill('SIGTERM');
    }
  }, 20_000);
});
