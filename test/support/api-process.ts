/**
 * The compiled API (`npm run build` → dist/) as a real process, for what only a process shows: what it prints,
 * how it starts and how it stops. Output is collected line by line from stdout and stderr.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export const API_MAIN = join(__dirname, '..', '..', 'dist', 'apps', 'customerflow-api', 'src', 'main.js');

export interface ApiProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Every line printed so far, stdout and stderr. */
  readonly lines: string[];
  /** Sends SIGTERM and resolves with the exit code (and the signal, if it died of one). */
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function randomPort(): number {
  return 30_000 + Math.floor(Math.random() * 20_000);
}

/** Starts the API and waits until /health/live answers; rejects with its output if it exits or never answers. */
export async function startApiProcess(env: Record<string, string>, cwd?: string): Promise<ApiProcess> {
  const port = env.PORT ?? String(randomPort());
  const child = spawn(process.execPath, [API_MAIN], {
    cwd,
    env: { PATH: process.env.PATH!, ...env, PORT: port },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const collect = (stream: NodeJS.ReadableStream) => {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const parts = text.split('\n');
      partial = parts.pop()!;
      lines.push(...parts);
    });
    stream.on('end', () => partial && lines.push(partial));
  };
  collect(child.stdout);
  collect(child.stderr);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = `http://127.0.0.1:${port}`;
  let ready = false;
  for (let i = 0; i < 300 && !ready && child.exitCode === null; i++) {
    await new Promise((r) => setTimeout(r, 100));
    ready = await fetch(`${url}/health/live`).then(
      (r) => r.ok,
      () => false,
    );
  }
  if (!ready) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`the API did not start:\n${lines.join('\n')}`);
  }
  return {
    url,
    child,
    lines,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
