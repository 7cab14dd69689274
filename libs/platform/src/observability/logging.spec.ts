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
    expect(options).toEqual({ level: 'debug', autoLogging: true });
    expect(typeof stream.write).toBe('function');
    expect(tty.forRoutes).toEqual(['{*splat}']); // debug: every request logged

    const piped = loggerParams(config, { requestLogging: false }, { nodeEnv: 'production', isTTY: true });
    expect(piped.pinoHttp).toEqual({ level: 'debug', autoLogging: false });
    expect(piped.forRoutes).toEqual([]);
  });
});
