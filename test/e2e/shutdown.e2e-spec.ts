/**
 * Graceful shutdown of the compiled API, as an orchestrator sees it: on SIGTERM a request already in flight (here one
 * whose body is still arriving) completes, a request that arrives on a kept-alive connection during the drain gets
 * 503 problem+json with `Connection: close` (not a reset), and the process exits 0, not 143. Raw sockets, so the test
 * controls exactly which connection carries what. Runs on SQLite and, in the integration suite, on MariaDB.
 */
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startApiProcess } from '../support/api-process';
import { authEnv, mintToken } from '../support/auth';
import { aRegistration } from '../support/customer-bodies';
import { isIntegration } from '../support/test-app';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A kept-alive HTTP/1.1 connection that reads one response per request. */
class Connection {
  private buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  readonly closed: Promise<void>;

  private constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.waiting?.();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('close', () => this.waiting?.());
  }

  static open(url: string): Promise<Connection> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => resolve(new Connection(socket)));
      socket.once('error', reject);
    });
  }

  write(text: string): void {
    this.socket.write(text);
  }

  async response(): Promise<RawResponse> {
    for (;;) {
      const parsed = parseResponse(this.buffer);
      if (parsed) {
        this.buffer = this.buffer.subarray(parsed.length);
        return parsed.response;
      }
      if (this.socket.destroyed) throw new Error(`connection closed before a full response: ${this.buffer.toString()}`);
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** One response from the front of `bytes` (Content-Length counts bytes, not characters), or null if incomplete. */
function parseResponse(bytes: Buffer): { response: RawResponse; length: number } | null {
  const end = bytes.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const [statusLine, ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  const length = Number(headers['content-length'] ?? 0);
  if (bytes.length < end + 4 + length) return null;
  const body = bytes.subarray(end + 4, end + 4 + length).toString('utf8');
  return { response: { status: Number(statusLine.split(' ')[1]), headers, body }, length: end + 4 + length };
}

it('finishes the request in flight, answers 503 + Connection: close on kept-alive connections, exits 0', async () => {
  const sqliteFile = join(tmpdir(), `customerflow-shutdown-${randomUUID()}.sqlite`);
  const api = await startApiProcess({
    ...authEnv(),
    LOG_LEVEL: 'info',
    DATABASE_URL: isIntegration ? process.env.DATABASE_URL! : `sqlite:${sqliteFile}`,
    ...(isIntegration ? { AMQP_URL: process.env.AMQP_URL! } : {}),
  });
  const token = await mintToken();
  const get = `GET /v1/customers?limit=1 HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${token}\r\n\r\n`;
  try {
    const idle = await Connection.open(api.url);
    idle.write(get);
    expect((await idle.response()).status).toBe(200);

    // A registration whose body is still on its way when the signal comes.
    const body = JSON.stringify(aRegistration());
    const slow = await Connection.open(api.url);
    slow.write(
      `POST /v1/customers HTTP/1.1\r\nHost: api\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 10)}`,
    );
    await new Promise((r) => setTimeout(r, 200)); // let the API route it before the signal

    api.child.kill('SIGTERM');
    for (let i = 0; i < 100 && !api.lines.some((l) => l.includes('draining')); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(api.lines.some((l) => l.includes('draining'))).toBe(true);

    // The kept-alive connection is answered, not reset.
    idle.write(get);
    const refused = await idle.response();
    expect(refused.status).toBe(503);
    expect(refused.headers.connection).toBe('close');
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(refused.body)).toMatchObject({ status: 503, type: '/problems/shutting-down' });
    expect(refused.headers['retry-after']).toMatch(/^[0-9]+$/);
    await idle.closed;

    // The request in flight completes.
    slow.write(body.slice(10));
    const created = await slow.response();
    expect(created.status).toBe(201);
    expect(created.headers.connection).toBe('close');

    expect(await api.stop()).toEqual({ code: 0, signal: null });
  } finally {
    api.child.kill('SIGKILL');
    rmSync(sqliteFile, { force: true });
    for (const suffix of ['-wal', '-shm']) rmSync(`${sqliteFile}${suffix}`, { force: true });
  }
}, 60_000);
