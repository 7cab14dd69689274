/**
 * The compiled service (`npm run build`) as real child processes that the fault scenarios can kill with SIGKILL
 * and start again, exactly as Kubernetes would.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const entryPoints = {
  api: join(root, 'dist', 'apps', 'customerflow-api', 'src', 'main.js'),
  relay: join(root, 'dist', 'apps', 'customerflow-relay', 'src', 'main.js'),
};

export interface ServiceProcess {
  readonly port: number;
  readonly url: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

// Below Linux's ephemeral range (32768-60999): a port in it may be held by one of the many outgoing connections the
// tests open, and the process would fail to start with EADDRINUSE (seen once in CI at 43816).
let nextPort = 20_000 + Math.floor(Math.random() * 10_000);

export interface StartOptions {
  readonly preload?: string;
  readonly port?: number;
  /** False for a process expected to die on its own before it is ever live (a crash injected at start). */
  readonly waitUntilLive?: boolean;
  /** A directory to keep what the process logs in (`<kind>-<port>.log`); TEST_SERVICE_LOG_DIR sets one for all. */
  readonly logDir?: string;
}

export async function startService(
  kind: 'api' | 'relay',
  env: Record<string, string>,
  options: StartOptions = {},
): Promise<ServiceProcess> {
  const port = options.port ?? nextPort++;
  const logDir = options.logDir ?? process.env.TEST_SERVICE_LOG_DIR;
  const args = [...(options.preload ? ['-r', options.preload] : []), entryPoints[kind]];
  const child = spawn(process.execPath, args, {
    env: {
      PATH: process.env.PATH!,
      LOG_LEVEL: 'error',
      OTEL_SDK_DISABLED: 'true',
      // The load comes from one client address, which the per-caller budget would turn into 429s.
      RATE_LIMIT_PER_MINUTE: '1000000',
      RATE_LIMIT_SENSITIVE_PER_MINUTE: '1000000',
      ...env,
      PORT: String(port),
    },
    stdio: ['ignore', logDir ? 'pipe' : 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  if (logDir) {
    const log = createWriteStream(join(logDir, `${kind}-${port}.log`), { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  }
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const service: ServiceProcess = {
    port,
    url,
    child,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
  if (options.waitUntilLive === false) return service;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${kind} exited during start-up (${child.exitCode}): ${stderr}`);
    if (
      await fetch(`${url}/health/live`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return service;
    if (Date.now() > deadline) {
      await service.kill();
      throw new Error(`${kind} did not become live: ${stderr}`);
    }
    await sleep(100);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
