/**
 * One log format for every process: JSON lines (pino) on stdout, which is what log collectors read, or
 * human-readable coloured lines for a developer at a terminal (NODE_ENV not `production` and stdout a TTY).
 */
import type { DestinationStream } from 'pino';
import type { Params } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config';
import { LOG_REDACT_PATHS, maskUrl, REDACTED } from './redaction';

export interface LogOutput {
  readonly nodeEnv: string | undefined;
  readonly isTTY: boolean;
}

export function isPrettyLogOutput(output: LogOutput): boolean {
  return output.nodeEnv !== 'production' && output.isTTY;
}

/** nestjs-pino's LoggerModule parameters. `requestLogging`: one line per HTTP request at debug and trace. */
export function loggerParams(
  config: AppConfig,
  options: { readonly requestLogging: boolean },
  output: LogOutput = { nodeEnv: process.env.NODE_ENV, isTTY: Boolean(process.stdout.isTTY) },
): Params {
  const verbose = config.logLevel === 'debug' || config.logLevel === 'trace';
  const pinoOptions = {
    level: config.logLevel,
    autoLogging: options.requestLogging,
    // No credentials and no personal data in any log line: see redaction.ts.
    redact: { paths: LOG_REDACT_PATHS, censor: REDACTED },
    serializers: { req: (req: { url?: string }) => ({ ...req, url: req.url && maskUrl(req.url) }) },
  };
  return {
    pinoHttp: isPrettyLogOutput(output) ? [pinoOptions, prettyStream()] : pinoOptions,
    // A child logger per request costs about 50 µs: only when requests are logged at all. The path is spelled out:
    // nestjs-pino's default ('{/*splat}') matches no request on Fastify's middleware layer.
    forRoutes: options.requestLogging && verbose ? ['{*splat}'] : [],
  };
}

function prettyStream(): DestinationStream {
  // Loaded only for a developer's terminal: production never needs it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as (options: object) => DestinationStream;
  return pretty({
    colorize: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,context',
    messageFormat: '{if context}[{context}] {end}{msg}',
    sync: true,
  });
}
