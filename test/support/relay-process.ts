/**
 * Runs `apps/customerflow-relay` as a real child process, straight from the TypeScript sources (swc compiles each
 * file as it is required, as jest does), so tests can run several relays at once and SIGKILL one mid-batch.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

// Maps @customerflow/* to the libs' sources and compiles .ts on require, with the same swc options as jest.base.js.
const BOOTSTRAP = `
const path = require('node:path');
const Module = require('node:module');
const { transformSync } = require('@swc/core');
const { addHook } = require('pirates');
const root = ${JSON.stringify(ROOT)};
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  const lib = /^@customerflow\\/([a-z-]+)$/.exec(request);
  return resolveFilename.call(this, lib ? path.join(root, 'libs', lib[1], 'src') : request, ...rest);
};
addHook((code, filename) => transformSync(code, {
  filename,
  jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2023' },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
}).code, { exts: ['.ts'], ignoreNodeModules: true });
require(path.join(root, 'apps/customerflow-relay/src/main.ts'));
`;

export interface RelayProcess {
  readonly port: number;
  readonly child: ChildProcess;
  /** Everything it printed, for diagnosing a failed test. */
  readonly output: string[];
  readonly exited: Promise<number | null>;
  /** SIGTERM and wait for a graceful exit. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL: no shutdown hook runs, the connections just drop. */
  kill(): Promise<void>;
}

export async function startRelayProcess(env: Record<string, string>): Promise<RelayProcess> {
  const port = await freePort();
  const output: string[] = [];
  const child = spawn(process.execPath, ['-e', BOOTSTRAP], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const relay: RelayProcess = {
    port,
    child,
    output,
    exited,
    async stop(timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  await waitUntilLive(relay, 60_000);
  return relay;
}

async function waitUntilLive(relay: RelayProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (relay.child.exitCode !== null)
      throw new Error(`the relay exited with ${relay.child.exitCode}:\n${relay.output.join('')}`);
    try {
      const response = await fetch(`http://127.0.0.1:${relay.port}/health/live`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await relay.kill();
  throw new Error(`the relay did not come up within ${timeoutMs} ms:\n${relay.output.join('')}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
