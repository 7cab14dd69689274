/**
 * A database server of the test's own, listening on a free port, so a test can shut it down and start it again (as
 * an operator would) without disturbing anyone else on the shared server. It is of the shared server's kind:
 *
 * - MariaDB (the default): initialised with mariadb-install-db into a temporary directory; needs the MariaDB server
 *   binaries on PATH (mariadbd, mariadb-install-db, mariadb-admin), which CI has since it runs MariaDB itself.
 * - MySQL, when TEST_MYSQL_ROOT names the root that scripts/mysql-server.sh prepared: mysqld and mysqladmin run in
 *   it with chroot (so as root), the data directory under the root's /tmp.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { createConnection } from 'mysql2/promise';

const run = promisify(execFile);

/** How to run one kind of server: the commands, and the paths as the server sees them. */
interface ServerKind {
  readonly name: string;
  /** A new temporary directory for the server's files, as this process sees it. */
  makeDir(): Promise<string>;
  /** `dir` as the server's process sees it. */
  seen(dir: string): string;
  command(program: 'server' | 'admin', args: readonly string[]): [string, string[]];
  initialise(dir: string): Promise<void>;
  serverArgs: readonly string[];
}

const mariadb: ServerKind = {
  name: 'mariadbd',
  makeDir: () => mkdtemp(join(tmpdir(), 'customerflow-mariadb-')),
  seen: (dir) => dir,
  command: (program, args) => [program === 'server' ? 'mariadbd' : 'mariadb-admin', [...args]],
  initialise: async (dir) => {
    await run('mariadb-install-db', [
      '--no-defaults',
      `--datadir=${join(dir, 'data')}`,
      '--auth-root-authentication-method=normal',
      '--skip-test-db',
      ...asRoot(),
    ]);
  },
  serverArgs: [],
};

function mysqlIn(root: string): ServerKind {
  const kind: ServerKind = {
    name: 'mysqld',
    makeDir: () => mkdtemp(join(root, 'tmp', 'customerflow-mysql-')),
    seen: (dir) => `/${relative(root, dir)}`,
    command: (program, args) => ['chroot', [root, program === 'server' ? 'mysqld' : 'mysqladmin', ...args]],
    initialise: async (dir) => {
      await run(
        ...kind.command('server', [
          '--no-defaults',
          '--initialize-insecure',
          `--datadir=${kind.seen(join(dir, 'data'))}`,
          '--user=root',
        ]),
      );
    },
    serverArgs: ['--mysqlx=OFF', '--secure-file-priv='],
  };
  return kind;
}

export class PrivateDatabaseServer {
  private child: ChildProcess | null = null;
  private stderr = '';

  private constructor(
    private readonly kind: ServerKind,
    readonly dir: string,
    readonly port: number,
    private readonly extraArgs: readonly string[],
  ) {}

  /** `extraArgs`: server options such as `--log-bin` for a test that needs them. */
  static async start(extraArgs: readonly string[] = []): Promise<PrivateDatabaseServer> {
    const root = process.env.TEST_MYSQL_ROOT;
    const kind = root ? mysqlIn(root) : mariadb;
    const dir = await kind.makeDir();
    await kind.initialise(dir);
    const server = new PrivateDatabaseServer(kind, dir, await freePort(), extraArgs);
    await server.startServer();
    return server;
  }

  /** A DATABASE_URL for `database` on this server (created if needed). */
  async url(database: string): Promise<string> {
    const connection = await this.connect();
    try {
      await connection.query(
        `CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
      );
    } finally {
      await connection.end();
    }
    return `mysql://root@127.0.0.1:${this.port}/${database}`;
  }

  connect(database?: string) {
    return createConnection({
      host: '127.0.0.1',
      port: this.port,
      user: 'root',
      database,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
  }

  /** A clean shutdown (`mariadb-admin shutdown` or `mysqladmin shutdown`), then the same server started again on the same data and port. */
  async restart(): Promise<void> {
    await this.shutdown();
    await this.startServer();
  }

  async stop(): Promise<void> {
    await this.shutdown().catch(() => this.child?.kill('SIGKILL'));
    await rm(this.dir, { recursive: true, force: true });
  }

  private async shutdown(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await run(...this.kind.command('admin', ['--no-defaults', '-uroot', '-h127.0.0.1', `-P${this.port}`, 'shutdown']));
    await exited;
    this.child = null;
  }

  private async startServer(): Promise<void> {
    const dir = this.kind.seen(this.dir);
    const child = spawn(
      ...this.kind.command('server', [
        '--no-defaults',
        `--datadir=${join(dir, 'data')}`,
        `--port=${this.port}`,
        '--bind-address=127.0.0.1',
        `--socket=${join(dir, 'server.sock')}`,
        `--pid-file=${join(dir, 'server.pid')}`,
        '--innodb-buffer-pool-size=64M',
        '--max-connections=300',
        ...asRoot(),
        ...this.kind.serverArgs,
        ...this.extraArgs,
      ]),
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr.on('data', (chunk) => (this.stderr = (this.stderr + chunk).slice(-4000)));
    this.child = child;
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${this.kind.name} exited during start-up: ${this.stderr}`);
      const up = await this.connect().then(
        async (c) => {
          await c.end();
          return true;
        },
        () => false,
      );
      if (up) return;
      if (Date.now() > deadline) throw new Error(`${this.kind.name} did not start within 60 s: ${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function asRoot(): string[] {
  return process.getuid?.() === 0 ? ['--user=root'] : [];
}

/** A TCP port nothing listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
