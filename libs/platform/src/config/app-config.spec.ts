import { AppConfig, ConfigError } from './app-config';

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
  ])('rejects %s=%s with one line naming the variable', (variable, value, message) => {
    const attempt = () => AppConfig.fromEnv({ [variable]: value });
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(message);
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
