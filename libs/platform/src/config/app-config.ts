// By path, like every import of the platform: the integration suite's global setup loads it without Jest's
// @customerflow/* mapping. The contracts' index imports nothing of ours.
import { CUSTOMER_EVENT_VERSIONS, type CustomerEventVersion } from '../../../contracts/src/index';
// Past the outbox's index, which imports the platform: this file imports nothing, so there is no cycle.
import { type OutboxOptions, readOutboxOptions } from '../../../outbox/src/outbox-options';
import { loadSchemaMap } from '../database/schema-map/load-schema-map';
import { type SchemaMap, SchemaMapError } from '../database/schema-map/schema-map';

/**
 * The service's configuration (every variable is in .env.example and the README's table), read from the environment once at start-up and validated, so a
 * bad value stops the process with one line naming the variable instead of failing later under load.
 */

import { type AuthConfig, AuthConfigError, parseAuthConfig } from '../auth/auth-config';

export type DatabaseConfig =
  | { readonly kind: 'sqlite'; readonly url: string; readonly file: string }
  | { readonly kind: 'mysql'; readonly url: string };

export type IdStrategy = 'autoincrement' | 'hilo';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`Invalid configuration: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

/** Injectable as a class token: `constructor(private readonly config: AppConfig)`. */
export class AppConfig {
  readonly port!: number;
  readonly database!: DatabaseConfig;
  readonly readDatabase!: DatabaseConfig;
  readonly amqpUrl!: string | null;
  readonly amqpExchange!: string;
  /**
   * The versions each customer event is published in (EVENTS_PUBLISHED), in version order: `v1` and `v2` during the
   * deprecation period of `.v1`, `v2` once it has ended.
   */
  readonly eventsPublished!: readonly CustomerEventVersion[];
  /** Owned by libs/outbox, which names, bounds and defaults them (outbox-options.ts). */
  readonly outbox!: OutboxOptions;
  /** Commands received over RabbitMQ (the `customerflow.commands` queue) and the inbox that dedupes them. */
  readonly commands!: {
    /** Consume the commands queue in the API process; only when AMQP_URL is set too. */
    readonly enabled: boolean;
    readonly queue: string;
    readonly prefetch: number;
    readonly maxAttempts: number;
    /** Backoff before the second attempt; doubled for each further one. */
    readonly retryBaseMs: number;
    /** No backoff is longer than this. */
    readonly retryMaxMs: number;
    readonly inboxRetentionHours: number;
  };
  readonly idStrategy!: IdStrategy;
  readonly hiloBlockSize!: number;
  readonly idempotencyTtlHours!: number;
  readonly logLevel!: LogLevel;
  readonly featureFlagsFile!: string | null;
  /** The legacy schema CustomerFlow is laid over (SCHEMA_MAP_FILE); null: CustomerFlow's own tables. */
  readonly schemaMap!: SchemaMap | null;
  readonly auth!: AuthConfig;
  readonly rateLimit!: {
    /** Requests per minute per caller (the token's subject, or the client address when auth is off). */
    readonly perMinute: number;
    /** The stricter budget of the admin endpoints and DELETE, counted separately. */
    readonly sensitivePerMinute: number;
  };
  /** Origins allowed to call the API from a browser; empty = CORS off. */
  readonly corsOrigins!: readonly string[];

  constructor(values: AppConfig) {
    Object.assign(this, values);
  }

  /** For entry points: a bad configuration ends the process with its one-line message, not a stack trace. */
  static fromEnvOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
    try {
      return AppConfig.fromEnv(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      console.error(error.message);
      process.exit(1);
    }
  }

  /**
   * The environment as a process that serves no customer data sees it (the relay, migrations, the CLIs): who may
   * call the API is not its business, so a production environment without AUTH_* must not stop it.
   */
  static servingNoCustomerData(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    return { ...env, AUTH_DISABLED: 'true' };
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): AppConfig {
    const database = parseDatabaseUrl('DATABASE_URL', env.DATABASE_URL ?? 'sqlite:./data/customerflow.sqlite');
    const amqpUrl = optionalUrl(env, 'AMQP_URL', ['amqp:', 'amqps:']);
    return new AppConfig({
      port: integer(env, 'PORT', 3000, 0, 65535),
      database,
      readDatabase: env.DATABASE_READ_URL ? parseDatabaseUrl('DATABASE_READ_URL', env.DATABASE_READ_URL) : database,
      amqpUrl,
      amqpExchange: nonEmpty(env, 'AMQP_EXCHANGE', 'customerflow.events'),
      eventsPublished: eventsPublished(env.EVENTS_PUBLISHED),
      outbox: readOutboxOptions({
        integer: (variable, fallback, min, max) => integer(env, variable, fallback, min, max),
        oneOf: (variable, allowed, fallback) => oneOf(env, variable, allowed, fallback),
      }),
      commands: commandsConfig(env, amqpUrl),
      idStrategy: oneOf(env, 'ID_STRATEGY', ['autoincrement', 'hilo'] as const, 'autoincrement'),
      hiloBlockSize: integer(env, 'HILO_BLOCK_SIZE', 100, 1, 1_000_000),
      idempotencyTtlHours: integer(env, 'IDEMPOTENCY_TTL_HOURS', 24, 1, 24 * 365),
      logLevel: oneOf(
        env,
        'LOG_LEVEL',
        ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
        'info',
      ),
      featureFlagsFile: env.FEATURE_FLAGS_FILE?.trim() || null,
      schemaMap: schemaMapOf(env, database),
      auth: authConfig(env),
      rateLimit: {
        perMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000),
        sensitivePerMinute: integer(env, 'RATE_LIMIT_SENSITIVE_PER_MINUTE', 60, 1, 1_000_000),
      },
      corsOrigins: corsOrigins(env.CORS_ORIGINS),
    });
  }
}

function commandsConfig(env: NodeJS.ProcessEnv, amqpUrl: string | null): AppConfig['commands'] {
  const commands = {
    enabled: oneOf(env, 'AMQP_COMMANDS', ['on', 'off'] as const, 'on') === 'on' && amqpUrl !== null,
    queue: nonEmpty(env, 'AMQP_COMMANDS_QUEUE', 'customerflow.commands'),
    prefetch: integer(env, 'AMQP_COMMANDS_PREFETCH', 16, 1, 1000),
    maxAttempts: integer(env, 'AMQP_COMMANDS_MAX_ATTEMPTS', 10, 1, 100),
    retryBaseMs: integer(env, 'AMQP_COMMANDS_RETRY_BASE_MS', 1000, 10, 3_600_000),
    retryMaxMs: integer(env, 'AMQP_COMMANDS_RETRY_MAX_MS', 5 * 60_000, 10, 24 * 3_600_000),
    inboxRetentionHours: integer(env, 'INBOX_RETENTION_HOURS', 168, 1, 100_000),
  };
  if (commands.retryMaxMs < commands.retryBaseMs)
    throw new ConfigError(
      'AMQP_COMMANDS_RETRY_MAX_MS',
      `must not be below AMQP_COMMANDS_RETRY_BASE_MS (${commands.retryBaseMs}; got ${commands.retryMaxMs})`,
    );
  // A redelivery that arrives after its inbox row was deleted would apply twice: keep rows past the longest
  // redelivery horizon the retry settings allow.
  const horizonMs = commands.maxAttempts * commands.retryMaxMs;
  if (commands.inboxRetentionHours * 3_600_000 < horizonMs) {
    throw new ConfigError(
      'INBOX_RETENTION_HOURS',
      `must cover the longest redelivery horizon, AMQP_COMMANDS_MAX_ATTEMPTS × AMQP_COMMANDS_RETRY_MAX_MS = ` +
        `${commands.maxAttempts} × ${commands.retryMaxMs} ms = ${Math.ceil(horizonMs / 3_600_000)} h (got ${commands.inboxRetentionHours})`,
    );
  }
  return commands;
}

export function parseDatabaseUrl(variable: string, raw: string): DatabaseConfig {
  const url = raw.trim();
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (!file)
      throw new ConfigError(
        variable,
        `must name a file, as in sqlite:./data/customerflow.sqlite or sqlite::memory: (got "${maskCredentials(raw)}")`,
      );
    return { kind: 'sqlite', url, file };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(
      variable,
      `must be sqlite:<file> or mysql://user:password@host:3306/database (got "${maskCredentials(raw)}")`,
    );
  }
  if (!['mysql:', 'mariadb:'].includes(parsed.protocol)) {
    throw new ConfigError(
      variable,
      `has unsupported scheme "${parsed.protocol}"; use sqlite: or mysql:// (got "${maskCredentials(raw)}")`,
    );
  }
  if (!parsed.hostname || parsed.pathname.length <= 1) {
    throw new ConfigError(
      variable,
      `must name a host and a database, as in mysql://user:password@host:3306/database (got "${maskCredentials(raw)}")`,
    );
  }
  return { kind: 'mysql', url: url.replace(/^mariadb:/, 'mysql:') };
}

function schemaMapOf(env: NodeJS.ProcessEnv, database: DatabaseConfig): SchemaMap | null {
  const file = env.SCHEMA_MAP_FILE?.trim();
  if (!file) return null;
  let map: SchemaMap;
  try {
    map = loadSchemaMap(file);
  } catch (error) {
    if (error instanceof SchemaMapError) throw new ConfigError('SCHEMA_MAP_FILE', `${file}: ${error.message}`);
    throw error;
  }
  if (database.kind === 'sqlite') {
    throw new ConfigError(
      'SCHEMA_MAP_FILE',
      "is for an existing MySQL/MariaDB database; the embedded SQLite runs on CustomerFlow's own schema (unset it, or set DATABASE_URL to mysql://…)",
    );
  }
  return map;
}

function integer(env: NodeJS.ProcessEnv, variable: string, fallback: number, min: number, max: number): number {
  const raw = env[variable];
  if (raw === undefined || raw.trim() === '') return fallback;
  if (!/^\d+$/.test(raw.trim()))
    throw new ConfigError(variable, `must be a whole number between ${min} and ${max} (got "${raw}")`);
  const value = Number(raw.trim());
  if (value < min || value > max) throw new ConfigError(variable, `must be between ${min} and ${max} (got ${value})`);
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, variable: string, allowed: readonly T[], fallback: T): T {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(variable, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

function nonEmpty(env: NodeJS.ProcessEnv, variable: string, fallback: string): string {
  const raw = env[variable];
  if (raw === undefined) return fallback;
  if (raw.trim() === '') throw new ConfigError(variable, 'must not be empty');
  return raw.trim();
}

function optionalUrl(env: NodeJS.ProcessEnv, variable: string, protocols: string[]): string | null {
  const raw = env[variable]?.trim();
  if (!raw) return null;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(
      variable,
      `must be a URL such as amqp://guest:guest@localhost:5672 (got "${maskCredentials(raw)}")`,
    );
  }
  if (!protocols.includes(parsed.protocol))
    throw new ConfigError(variable, `must use ${protocols.join(' or ')} (got "${maskCredentials(raw)}")`);
  return raw;
}

function authConfig(env: NodeJS.ProcessEnv): AuthConfig {
  try {
    return parseAuthConfig(env);
  } catch (error) {
    if (error instanceof AuthConfigError) throw new ConfigError(error.variable, error.detail);
    throw error;
  }
}

function eventsPublished(raw: string | undefined): readonly CustomerEventVersion[] {
  const listed = (raw ?? '')
    .split(',')
    .map((version) => version.trim())
    .filter(Boolean);
  if (listed.length === 0) return CUSTOMER_EVENT_VERSIONS;
  const unknown = listed.filter((version) => !(CUSTOMER_EVENT_VERSIONS as readonly string[]).includes(version));
  if (unknown.length > 0) {
    throw new ConfigError(
      'EVENTS_PUBLISHED',
      `must be a comma-separated list of ${CUSTOMER_EVENT_VERSIONS.join(', ')} (got "${raw}")`,
    );
  }
  // Listed in any order, published in version order.
  return CUSTOMER_EVENT_VERSIONS.filter((version) => listed.includes(version));
}

function corsOrigins(raw: string | undefined): readonly string[] {
  const origins = (raw ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  for (const origin of origins) {
    let parsed: URL | null = null;
    try {
      parsed = new URL(origin);
    } catch {
      // reported below
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        'CORS_ORIGINS',
        `must be a comma-separated list of origins such as https://app.example (got "${origin}")`,
      );
    }
  }
  return origins;
}

/**
 * A connection URL fit for a message: `mysql://app:***@db:3306/x`. Works on text that is not a valid URL too, since
 * that is exactly when it gets echoed.
 */
export function maskCredentials(url: string): string {
  return url.replace(/(\/\/[^/@:\s]*):[^/\s]*@/, '$1:***@');
}
