/**
 * Builds the HTTP application exactly as production runs it; main.ts and the end-to-end tests both call this, so
 * the tests exercise the real parsers, filters and pipes.
 */
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { Logger } from 'nestjs-pino';
import {
  type AppConfig,
  installTraceContextPropagation,
  PROBLEM_CONTENT_TYPE,
  problemBody,
  prometheusExporter,
  traceContextMiddleware,
} from '@customerflow/platform';
import { AppModule } from './app.module';
import { setupOpenApi } from './openapi';

const JSON_TYPES = ['application/json', 'application/merge-patch+json', 'application/*+json'];

export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  // Both are idempotent: main.ts installed them already through instrumentation.ts; tests start here.
  prometheusExporter();
  installTraceContextPropagation();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.disable('x-powered-by');
  app.set('etag', false); // ETags are the customer version, set by the controllers, never a hash of the body
  app.use(traceContextMiddleware);
  app.use(requireJsonBody);
  app.useBodyParser('json', { type: JSON_TYPES, limit: '64kb', strict: true });
  app.use(bodyParserErrors);
  setupOpenApi(app);
  app.enableShutdownHooks();
  return app;
}

/** A POST or PATCH that carries a body must say it is JSON; anything else is a 415, not a confusing 400. */
function requireJsonBody(request: Request, response: Response, next: NextFunction): void {
  const hasBody =
    Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (hasBody && ['POST', 'PATCH', 'PUT'].includes(request.method) && !request.is(JSON_TYPES)) {
    sendProblem(
      response,
      request,
      415,
      'unsupported-media-type',
      'Unsupported media type',
      'Send the body as application/json (or application/merge-patch+json for PATCH).',
    );
    return;
  }
  next();
}

/** Malformed or oversized JSON fails in the body parser, before Nest's filters: answer it as problem+json here. */
function bodyParserErrors(
  error: { status?: number; type?: string; message?: string },
  request: Request,
  response: Response,
  next: NextFunction,
): void {
  if (!error) return next();
  const status = error.status && error.status >= 400 && error.status < 500 ? error.status : 400;
  const detail =
    error.type === 'entity.too.large' ? 'The request body is too large.' : 'The request body is not valid JSON.';
  sendProblem(
    response,
    request,
    status,
    status === 413 ? 'payload-too-large' : 'malformed-json',
    status === 413 ? 'Payload too large' : 'Malformed JSON',
    detail,
  );
}

function sendProblem(
  response: Response,
  request: Request,
  status: number,
  slug: string,
  title: string,
  detail: string,
): void {
  response
    .status(status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problemBody({ status, slug, title, detail }, request.originalUrl)));
}
