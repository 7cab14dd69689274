/**
 * The configuration a user reads matches the one the code reads: `.env.example` lists every variable AppConfig and
 * the entry points read, each uncommented value is the default, and the README's configuration table lists them
 * all. A variable added to AppConfig without its line here fails this test. And `.env`: read in development, with
 * one line saying so, refused in production.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig, loadDotEnv } from '../../libs/platform/src';

const root = join(__dirname, '..', '..');

/** Read outside AppConfig: by the OpenTelemetry start-up, the log format and the `.env` loader. */
const READ_BY_ENTRY_POINTS = [
  'NODE_ENV',
  'OTEL_EXPORTER_OTLP_ENDPOINT',
  'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  'OTEL_SERVICE_NAME',
  'OTEL_SDK_DISABLED',
];

/**
 * Every variable name AppConfig.fromEnv looks at, whether or not it is set: read once on the embedded default and
 * once in production with authentication configured, since the AUTH_* details are only read when auth is on.
 */
function variablesAppConfigReads(): string[] {
  const read = new Set<string>();
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const withAuth = {
    NODE_ENV: 'production',
    AUTH_JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    AUTH_ISSUER: 'https://issuer.example',
    AUTH_AUDIENCE: 'customerflow-api',
  };
  for (const base of [{}, withAuth]) {
    const env: NodeJS.ProcessEnv = new Proxy<NodeJS.ProcessEnv>(base, {
      get(target, name) {
        if (typeof name === 'string') read.add(name);
        return typeof name === 'string' ? target[name] : undefined;
      },
    });
    AppConfig.fromEnv(env);
  }
  return [...read];
}

function exampleLines(): { name: string; value: string; commented: boolean }[] {
  return readFileSync(join(root, '.env.example'), 'utf8')
    .split('\n')
    .flatMap((line) => {
      const match = /^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
      return match ? [{ name: match[2], value: match[3], commented: Boolean(match[1]) }] : [];
    });
}

function readmeConfigurationTable(): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const table = section.slice(0, section.indexOf('\n## '));
  return [...table.matchAll(/^\| `([A-Z][A-Z0-9_]*)` \|/gm)].map((m) => m[1]);
}

describe('.env.example and the README', () => {
  it('.env.example lists every variable the code reads, and no other', () => {
    const documented = exampleLines().map((line) => line.name);
    expect([...new Set(documented)].sort()).toEqual(
      [...new Set([...variablesAppConfigReads(), ...READ_BY_ENTRY_POINTS])].sort(),
    );
    expect(documented).toHaveLength(new Set(documented).size);
  });

  it.each(exampleLines().filter((line) => !line.commented))(
    '.env.example sets $name to its default ($value)',
    ({ name, value }) => {
      expect(AppConfig.fromEnv({ [name]: value })).toEqual(AppConfig.fromEnv({}));
    },
  );

  it('the README configuration table lists every variable of .env.example', () => {
    expect(readmeConfigurationTable().sort()).toEqual(
      exampleLines()
        .map((line) => line.name)
        .sort(),
    );
  });
});

describe('.env', () => {
  let cwd: string;
  beforeEach(() => (cwd = mkdtempSync(join(tmpdir(), 'customerflow-dotenv-'))));
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('is read in development, the environment winning over the file, and says so', () => {
    writeFileSync(join(cwd, '.env'), 'PORT=4100\nLOG_LEVEL=debug\n# a comment\nAMQP_EXCHANGE="dev.events"\n');
    const env: NodeJS.ProcessEnv = { LOG_LEVEL: 'warn' };
    const outcome = loadDotEnv(env, cwd);
    expect(outcome.kind).toBe('loaded');
    expect(outcome.kind === 'loaded' && [...outcome.applied].sort()).toEqual(['AMQP_EXCHANGE', 'PORT']);
    expect(outcome.kind === 'loaded' && outcome.message).toMatch(/^Read 2 variable\(s\) from .*\.env: development/);
    expect(AppConfig.fromEnv(env)).toMatchObject({ port: 4100, logLevel: 'warn', amqpExchange: 'dev.events' });
  });

  it('is refused in production with a message naming the file', () => {
    writeFileSync(join(cwd, '.env'), 'PORT=4100\n');
    const env: NodeJS.ProcessEnv = { NODE_ENV: 'production' };
    expect(() => loadDotEnv(env, cwd)).toThrow(
      /^Invalid configuration: \.env is not read when NODE_ENV=production \(found .*\.env\)/,
    );
    expect(env.PORT).toBeUndefined();
  });

  it('is no matter when there is none', () => {
    expect(loadDotEnv({}, cwd)).toEqual({ kind: 'absent' });
  });
});
