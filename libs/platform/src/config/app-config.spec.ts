import { generateKeyPairSync } from 'node:crypto';
import { AppConfig, ConfigError, maskCredentials } from './app-config';

describe('AppConfig.fromEnv', () => {
  it('runs with no configuration on the embedded default', () => {
    const config = AppConfig.fromEnv({});
    expect(config.port).toBe(3000);
    expect(config.database).toEqual({
      kind: 'sqlite',
      url: 'sqlite:./data/customerflow.sqlite',
      file: './data/customerflow.sqlite',
    });
    expect(config.readDatabase).toBe(config.database);
    expect(config.amqpUrl).toBeNull();
    expect(config.idStrategy).toBe('autoincrement');
    expect(config.outbox).toMatchObject({
      relay: 'inprocess',
      pollMs: 1000,
      batchSize: 100,
      batchesInFlight: 2,
      maxAttempts: 20,
      retentionHours: 168,
    });
  });

  it('reads a MySQL primary and a read replica', () => {
    const config = AppConfig.fromEnv({
      DATABASE_URL: 'mysql://app:secret@db:3306/customers',
      DATABASE_READ_URL: 'mysql://app:secret@replica:3306/customers',
    });
    expect(config.database).toEqual({ kind: 'mysql', url: 'mysql://app:secret@db:3306/customers' });
    expect(config.readDatabase).toEqual({ kind: 'mysql', url: 'mysql://app:secret@replica:3306/customers' });
  });

  it.each([
    ['PORT', 'abc', /^Invalid configuration: PORT must be a whole number/],
    ['PORT', '70000', /^Invalid configuration: PORT must be between 0 and 65535/],
    ['DATABASE_URL', 'postgres://db/x', /^Invalid configuration: DATABASE_URL has unsupported scheme "postgres:"/],
    ['DATABASE_URL', 'not a url', /^Invalid configuration: DATABASE_URL must be sqlite:<file> or mysql:/],
    ['DATABASE_URL', 'mysql://db', /^Invalid configuration: DATABASE_URL must name a host and a database/],
    ['ID_STRATEGY', 'uuid', /^Invalid configuration: ID_STRATEGY must be one of autoincrement, hilo \(got "uuid"\)/],
    ['AMQP_URL', 'http://rabbit', /^Invalid configuration: AMQP_URL must use amqp: or amqps:/],
    ['OUTBOX_BATCH_SIZE', '0', /^Invalid configuration: OUTBOX_BATCH_SIZE must be between 1 and 10000/],
    [
      'EVENTS_PUBLISHED',
      'v1,v3',
      /^Invalid configuration: EVENTS_PUBLISHED must be a comma-separated list of v1, v2 \(got "v1,v3"\)/,
    ],
  ])('rejects %s=%s with one line naming the variable', (variable, value, message) => {
    const attempt = () => AppConfig.fromEnv({ [variable]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('publishes customer events as v1 and v2 by default, and in the versions EVENTS_PUBLISHED lists', () => {
    expect(AppConfig.fromEnv({}).eventsPublished).toEqual(['v1', 'v2']);
    expect(AppConfig.fromEnv({ EVENTS_PUBLISHED: 'v2' }).eventsPublished).toEqual(['v2']);
    expect(AppConfig.fromEnv({ EVENTS_PUBLISHED: ' v2 , v1,v2 ' }).eventsPublished).toEqual(['v1', 'v2']);
    expect(AppConfig.fromEnv({ EVENTS_PUBLISHED: 'v1' }).eventsPublished).toEqual(['v1']);
  });

  it('consumes commands only when AMQP_URL is set and AMQP_COMMANDS is not off', () => {
    expect(AppConfig.fromEnv({}).commands.enabled).toBe(false);
    const config = AppConfig.fromEnv({ AMQP_URL: 'amqp://rabbit' });
    expect(config.commands).toEqual({
      enabled: true,
      queue: 'customerflow.commands',
      prefetch: 16,
      maxAttempts: 10,
      retryBaseMs: 1000,
      retryMaxMs: 300_000,
      inboxRetentionHours: 168,
    });
    expect(AppConfig.fromEnv({ AMQP_URL: 'amqp://rabbit', AMQP_COMMANDS: 'off' }).commands.enabled).toBe(false);
  });

  it('refuses an inbox retention shorter than the longest redelivery horizon, in one line', () => {
    // 10 attempts × 1 hour backoff = 10 hours of possible redeliveries, but rows kept only 5 hours.
    const attempt = () => AppConfig.fromEnv({ AMQP_COMMANDS_RETRY_MAX_MS: '3600000', INBOX_RETENTION_HOURS: '5' });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(
      'Invalid configuration: INBOX_RETENTION_HOURS must cover the longest redelivery horizon, AMQP_COMMANDS_MAX_ATTEMPTS × AMQP_COMMANDS_RETRY_MAX_MS = 10 × 3600000 ms = 10 h (got 5)',
    );
    expect(
      AppConfig.fromEnv({ AMQP_COMMANDS_RETRY_MAX_MS: '3600000', INBOX_RETENTION_HOURS: '10' }).commands
        .inboxRetentionHours,
    ).toBe(10);
  });
});

describe('AppConfig.fromEnv: authentication and limits', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const keyed = { AUTH_JWT_PUBLIC_KEY: pem, AUTH_ISSUER: 'https://issuer/', AUTH_AUDIENCE: 'api' };

  it('leaves auth off on the embedded default, and says it was not asked to', () => {
    expect(AppConfig.fromEnv({}).auth).toEqual({ enabled: false, explicitlyDisabled: false });
    expect(AppConfig.fromEnv({}).rateLimit).toEqual({ perMinute: 600, sensitivePerMinute: 60 });
    expect(AppConfig.fromEnv({}).corsOrigins).toEqual([]);
  });

  it('turns auth on with a key, issuer and audience, with safe defaults for the rest', () => {
    expect(AppConfig.fromEnv(keyed).auth).toEqual({
      enabled: true,
      key: { kind: 'public-key', text: pem.trim() },
      issuer: 'https://issuer/',
      audience: ['api'],
      clockSkewS: 30,
      algorithms: ['RS256', 'ES256', 'EdDSA'],
    });
  });

  it.each([
    [
      { NODE_ENV: 'production' },
      /^Invalid configuration: AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY must be set: authentication is on \(NODE_ENV=production\).*AUTH_DISABLED=true/,
    ],
    [
      { AUTH_ISSUER: 'https://issuer/' },
      /^Invalid configuration: AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY must be set: authentication is on \(AUTH_ISSUER is set\)/,
    ],
    [{ ...keyed, AUTH_AUDIENCE: '' }, /^Invalid configuration: AUTH_AUDIENCE must be set/],
    [{ ...keyed, AUTH_ALGORITHMS: 'RS256,none' }, /^Invalid configuration: AUTH_ALGORITHMS must not contain "none"/],
    [
      { ...keyed, AUTH_ALGORITHMS: 'HS256' },
      /^Invalid configuration: AUTH_ALGORITHMS must not contain HS256: HMAC .*key confusion/,
    ],
    [
      { ...keyed, AUTH_ALGORITHMS: 'XY999' },
      /^Invalid configuration: AUTH_ALGORITHMS contains unknown algorithm "XY999"/,
    ],
    [{ ...keyed, AUTH_CLOCK_SKEW_S: '-1' }, /^Invalid configuration: AUTH_CLOCK_SKEW_S must be a whole number/],
    [
      { ...keyed, AUTH_JWT_PUBLIC_KEY: 'not a key' },
      /^Invalid configuration: AUTH_JWT_PUBLIC_KEY must be a PEM public key/,
    ],
    [
      { ...keyed, AUTH_JWT_PUBLIC_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      /^Invalid configuration: AUTH_JWT_PUBLIC_KEY is a private key/,
    ],
    [
      { ...keyed, AUTH_JWT_PUBLIC_KEY: '{"kty":"oct","k":"c2VjcmV0"}' },
      /^Invalid configuration: AUTH_JWT_PUBLIC_KEY must be a public key, not a symmetric/,
    ],
    [
      { ...keyed, AUTH_JWT_PUBLIC_KEY: undefined, AUTH_JWKS_URL: 'http://issuer.example/jwks' },
      /^Invalid configuration: AUTH_JWKS_URL must use https:/,
    ],
    [{ AUTH_DISABLED: 'yes' }, /^Invalid configuration: AUTH_DISABLED must be true or false/],
    [
      { CORS_ORIGINS: 'https://app.example/path' },
      /^Invalid configuration: CORS_ORIGINS must be a comma-separated list of origins/,
    ],
  ])('refuses %j with one line naming the variable', (env, message) => {
    const attempt = () => AppConfig.fromEnv(env);
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
  });

  it('runs without auth in production only when AUTH_DISABLED=true says so', () => {
    expect(AppConfig.fromEnv({ NODE_ENV: 'production', AUTH_DISABLED: 'true' }).auth).toEqual({
      enabled: false,
      explicitlyDisabled: true,
    });
  });

  it('lets the relay, the migrations and the CLIs start in production without AUTH_*, the API not', () => {
    const production = { NODE_ENV: 'production', DATABASE_URL: 'mysql://u:p@db:3306/customers' };
    expect(() => AppConfig.fromEnv(production)).toThrow(/AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY must be set/);
    expect(AppConfig.fromEnv(AppConfig.servingNoCustomerData(production)).database).toMatchObject({ kind: 'mysql' });
    expect(production).not.toHaveProperty('AUTH_DISABLED'); // the caller's environment is left as it was
  });

  it('reads the JWKS URL, several audiences and an algorithm list', () => {
    const auth = AppConfig.fromEnv({
      AUTH_JWKS_URL: 'https://issuer.example/.well-known/jwks.json',
      AUTH_ISSUER: 'https://issuer.example/',
      AUTH_AUDIENCE: 'api, other-api',
      AUTH_ALGORITHMS: 'ES256',
      AUTH_CLOCK_SKEW_S: '5',
    }).auth;
    expect(auth).toMatchObject({
      key: { kind: 'jwks', url: 'https://issuer.example/.well-known/jwks.json' },
      audience: ['api', 'other-api'],
      algorithms: ['ES256'],
      clockSkewS: 5,
    });
  });

  it('never echoes a password from a connection URL', () => {
    for (const [variable, value] of [
      ['DATABASE_URL', 'postgres://app:s3cret@db:5432/customers'],
      ['DATABASE_URL', 'mysql://app:s3cret@db'],
      ['DATABASE_URL', 'mysql://app:s3c@ret@'],
      ['AMQP_URL', 'http://app:s3cret@rabbit:5672'],
    ]) {
      let message = '';
      try {
        AppConfig.fromEnv({ [variable]: value });
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(/^Invalid configuration: /);
      expect(message).not.toContain('s3c');
      expect(message).toContain('app:***@');
    }
    expect(maskCredentials('amqp://guest:guest@rabbit:5672/vhost')).toBe('amqp://guest:***@rabbit:5672/vhost');
  });
});
