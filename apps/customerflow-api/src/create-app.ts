/**
 * Builds the HTTP application exactly as production runs it; main.ts and the end-to-end tests both call this, so
 * the tests exercise the real parsers, filters and pipes. With AMQP_URL set it is a hybrid application that also
 * consumes the commands queue (AMQP_COMMANDS=off turns that off).
 *
 * HTTP runs on Fastify. Fastify answers some requests before Nest sees them (a body it cannot parse, a body over
 * the limit, an unknown route); each of those still leaves as application/problem+json: the JSON parser below
 * fails with a ProblemException, and the others reach Nest's exception layer, hence the one ProblemDetailsFilter.
 */
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions, NestMicroservice } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AmqpCommandServer, RethrowRpcErrors } from '@customerflow/inbox';
import {
  type AppConfig,
  installTraceContextPropagation,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  ProblemException,
  problemBody,
  prometheusExporter,
  traceContextHook,
} from '@customerflow/platform';
import { AppModule } from './app.module';
import { setupOpenApi } from './openapi';

/** application/json, application/merge-patch+json and any other application/*+json, parameters allowed. */
const JSON_MEDIA_TYPE = /^application\/(?:[^\s;/]+\+)?json\s*(?:;|$)/i;
const BODY_LIMIT_BYTES = 64 * 1024;

export async function createApp(config: AppConfig): Promise<NestFastifyApplication> {
  // Both are idempotent: main.ts installed them already through instrumentation.ts; tests start here.
  prometheusExporter();
  installTraceContextPropagation();
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      // An id of any length is a 404 like any unknown id, as long as the URL fits in the request line at all.
      routerOptions: { maxParamLength: 2048 },
      frameworkErrors: routerErrors,
    }),
    { bodyParser: false, bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  warnWhenOpen(config, app.get(Logger));
  if (config.corsOrigins.length > 0) app.enableCors(corsOptions(config));
  const fastify = app.getHttpAdapter().getInstance();
  // Fastify sets no ETag of its own (ETags are the customer version, set by the controllers) and no X-Powered-By.
  fastify.addHook('onRequest', requireJsonBody);
  // After body parsing, so that the handler (and the unit of work it opens) runs inside the request's trace context.
  fastify.addHook('preHandler', traceContextHook);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'string', bodyLimit: BODY_LIMIT_BYTES }, parseJsonBody);
  setupOpenApi(app);
  if (config.commands.enabled) await startCommandsConsumer(app);
  return app;
}

/**
 * The hybrid part: the same controllers take the commands queue through the commands transport. It starts once the
 * application is initialised (the command handlers are registered at bootstrap), before HTTP listens.
 */
async function startCommandsConsumer(app: NestFastifyApplication): Promise<void> {
  // Deferred, so the filter is registered before the handlers are bound; the lifecycle hooks stay the hybrid
  // application's (they must not run a second time for the microservice).
  const consumer = app.connectMicroservice<MicroserviceOptions>(
    { strategy: app.get(AmqpCommandServer) },
    { deferInitialization: true },
  ) as NestMicroservice;
  consumer.useGlobalFilters(new RethrowRpcErrors());
  consumer.setIsInitHookCalled(true);
  await app.init();
  await app.startAllMicroservices();
}

/** One line at start-up when nobody is asked for a token, so an open API is never a surprise. */
function warnWhenOpen(config: AppConfig, logger: Logger): void {
  if (config.auth.enabled) return;
  logger.warn(
    config.auth.explicitlyDisabled
      ? 'Authentication is OFF (AUTH_DISABLED=true): every endpoint answers anonymous callers'
      : 'Authentication is OFF (embedded default): every endpoint answers anonymous callers; set AUTH_JWKS_URL or AUTH_JWT_PUBLIC_KEY with AUTH_ISSUER and AUTH_AUDIENCE to require tokens',
    'Auth',
  );
}

/** Browsers may call the API only from the listed origins; the bearer token travels in a header, never a cookie. */
function corsOptions(config: AppConfig) {
  return {
    origin: [...config.corsOrigins],
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'Idempotency-Key', 'traceparent'],
    exposedHeaders: [
      'ETag',
      'Location',
      'Retry-After',
      'Idempotent-Replayed',
      'RateLimit-Limit',
      'RateLimit-Remaining',
      'RateLimit-Reset',
    ],
    credentials: false,
    maxAge: 600,
  };
}

/** The router rejects a malformed URL (400) or an over-long path parameter (414) before any hook or filter runs. */
function routerErrors(error: { statusCode?: number }, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  const problem = {
    status,
    slug: status === 414 ? 'uri-too-long' : 'invalid-request',
    title: status === 414 ? 'URI too long' : 'The request is not valid',
    detail: status === 414 ? 'A path segment is too long.' : 'The request URL is malformed.',
  };
  sendProblem(reply, request, problem);
}

/** A POST, PUT or PATCH that carries a body must say it is JSON; anything else is a 415, not a confusing 400. */
function requireJsonBody(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const hasBody =
    Number(request.headers['content-length'] ?? 0) > 0 || request.headers['transfer-encoding'] !== undefined;
  if (
    hasBody &&
    (request.method === 'POST' || request.method === 'PATCH' || request.method === 'PUT') &&
    !JSON_MEDIA_TYPE.test(request.headers['content-type'] ?? '')
  ) {
    sendProblem(reply, request, {
      status: 415,
      slug: 'unsupported-media-type',
      title: 'Unsupported media type',
      detail: 'Send the body as application/json (or application/merge-patch+json for PATCH).',
    });
    return;
  }
  done();
}

/**
 * Strict JSON, as the API has always read it: an object or an array (a bare string or number is malformed). An
 * empty body is no body. JSON.parse makes `__proto__` an own property, which validation then rejects as unknown.
 */
function parseJsonBody(_request: FastifyRequest, text: string, done: (error: Error | null, body?: unknown) => void) {
  if (text.trim() === '') return done(null, undefined);
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') {
    try {
      const body: unknown = JSON.parse(text);
      return done(null, body);
    } catch {
      // answered below
    }
  }
  done(
    new ProblemException({
      status: 400,
      slug: 'malformed-json',
      title: 'Malformed JSON',
      detail: 'The request body is not valid JSON.',
    }),
  );
}

function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem): void {
  void reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problemBody(problem, request.originalUrl)));
}
