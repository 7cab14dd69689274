import { Writable } from 'node:stream';
import { AppConfig } from '../config/app-config';
import { isPrettyLogOutput, loggerParams } from './logging';

describe('log format', () => {
  it.each([
    [undefined, true, true],
    ['development', true, true],
    ['test', true, true],
    ['production', true, false],
    [undefined, false, false],
    ['development', false, false],
  ])('NODE_ENV=%s, stdout a terminal: %s → human-readable: %s', (nodeEnv, isTTY, pretty) => {
    expect(isPrettyLogOutput({ nodeEnv, isTTY })).toBe(pretty);
  });

  it('gives pino a pretty stream for a terminal and plain JSON options otherwise', () => {
    const config = AppConfig.fromEnv({ LOG_LEVEL: 'debug' });
    const tty = loggerParams(config, { requestLogging: true }, { nodeEnv: 'development', isTTY: true });
    expect(Array.isArray(tty.pinoHttp)).toBe(true);
    const [options, stream] = tty.pinoHttp as [object, Writable];
    expect(options).toMatchObject({ level: 'debug', autoLogging: true, redact: { censor: '[redacted]' } });
    expect(typeof stream.write).toBe('function');
    expect(tty.forRoutes).toEqual(['{*splat}']); // debug: every request logged

    const piped = loggerParams(config, { requestLogging: false }, { nodeEnv: 'production', isTTY: true });
    expect(piped.pinoHttp).toMatchObject({ level: 'debug', autoLogging: false });
    expect(piped.pinoHttp).not.toBeInstanceOf(Array);
    expect(piped.forRoutes).toEqual([]);
  });

  it('redacts credentials and personal data, and masks query strings, in both formats', () => {
    const options = loggerParams(
      AppConfig.fromEnv({}),
      { requestLogging: true },
      { nodeEnv: 'production', isTTY: false },
    ).pinoHttp as { redact: { paths: string[] }; serializers: { req: (req: { url: string }) => { url: string } } };
    expect(options.redact.paths).toEqual(expect.arrayContaining(['req.headers.authorization', 'email', '*.document']));
    expect(options.serializers.req({ url: '/v1/customers?email=ana%40example.com' }).url).not.toContain('ana');
  });
});
