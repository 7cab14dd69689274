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
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { AmqpCommandServer, RethrowRpcErrors } from '@customerflow/inbox';
import {
  type AppConfig,
  forbiddenQueryParameters,
  installTraceContextPropagation,
  parseJsonBody,
  PROBLEM_CONTENT_TYPE,
  type Problem,
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
      // During the drain our own hook answers 503 problem+json (see drainOnShutdown); Fastify's would be plain JSON.
      return503OnClosing: false,
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
  fastify.addHook('onRequest', securityHeadersHook());
  fastify.addHook('onRequest', drainOnShutdown(app));
  fastify.addHook('onSend', closeConnectionsWhileDraining(app));
  // Fastify sets no ETag of its own (ETags are the customer version, set by the controllers) and no X-Powered-By.
  fastify.addHook('onRequest', requireJsonBody);
  fastify.addHook('onRequest', refusePrototypeQueryParameters);
  // After body parsing, so that the handler (and the unit of work it opens) runs inside the request's trace context.
  fastify.addHook('preHandler', traceContextHook);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'buffer', bodyLimit: BODY_LIMIT_BYTES }, jsonBodyParser);
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
 * Strict JSON from the raw bytes (libs/platform http/json-body.ts): invalid UTF-8, nesting deeper than 32 levels and
 * prototype keys are 400 problems before validation runs; an object or an array only; an empty body is no body.
 */
function jsonBodyParser(_request: FastifyRequest, raw: Buffer, done: (error: Error | null, body?: unknown) => void) {
  try {
    done(null, parseJsonBody(raw));
  } catch (error) {
    done(error as Error);
  }
}

/** `?__proto__=…` and the like are 400 like any unknown parameter; a query parser might drop them silently. */
function refusePrototypeQueryParameters(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  const start = request.url.indexOf('?');
  const violations = start < 0 ? [] : forbiddenQueryParameters(request.url.slice(start + 1));
  if (violations.length === 0) return done();
  sendProblem(reply, request, {
    status: 400,
    slug: 'validation-failed',
    title: 'The request is not valid',
    detail: 'The request has invalid fields or parameters; see errors.',
    errors: violations,
  });
}

/**
 * Security headers on every response (helmet): nosniff, no referrer, no framing, and a CSP tight enough for an API
 * yet one that Swagger UI at /docs runs under (its scripts and styles are served from /docs itself; it inlines
 * styles and uses data: images).
 */
const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  frameguard: { action: 'deny' as const },
  referrerPolicy: { policy: 'no-referrer' as const },
  // The API serves JSON to other origins' scripts only through CORS (CORS_ORIGINS); keep CORP out of its way.
  crossOriginResourcePolicy: false,
};

/**
 * helmet's middleware, built once at start-up and applied to the raw response first thing, so that errors and
 * unknown routes carry the headers too. (@fastify/helmet builds a new helmet middleware, parsing the CSP
 * directives again, on every request: ~60 µs of a registration in the bench's profile.)
 */
function securityHeadersHook() {
  const setSecurityHeaders = helmet(SECURITY_HEADERS);
  return (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void =>
    setSecurityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined));
}

/** Apps whose shutdown has begun (main.ts calls beginDrain on SIGTERM). */
const draining = new WeakSet<object>();

/**
 * From now on, new requests get 503 and every response closes its connection; requests in flight finish. No more
 * commands are taken from the queue either; the promise settles when the commands in flight are done.
 */
export function beginDrain(app: NestFastifyApplication): Promise<void> {
  draining.add(app);
  return app.get(AmqpCommandServer).stopTakingCommands();
}

/**
 * A request that arrives during the drain (on a kept-alive connection, or before the listener closes) is answered
 * 503 problem+json with `Connection: close` and Retry-After, not reset: the client retries on another replica.
 */
function drainOnShutdown(app: NestFastifyApplication) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (!draining.has(app)) return done();
    void reply.header('Connection', 'close').header('Retry-After', '1');
    sendProblem(reply, request, {
      status: 503,
      slug: 'shutting-down',
      title: 'Shutting down',
      detail: 'This instance is shutting down; retry the request.',
    });
  };
}

/** Responses to requests still in flight close their connection too, so the server's close is not kept waiting. */
function closeConnectionsWhileDraining(app: NestFastifyApplication) {
  return (_request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (e: null, p: unknown) => void) => {
    if (draining.has(app)) void reply.header('Connection', 'close');
    done(null, payload);
  };
}

function sendProblem(reply: FastifyReply, request: FastifyRequest, problem: Problem): void {
  void reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(problemBody(problem, request.originalUrl)));
}
