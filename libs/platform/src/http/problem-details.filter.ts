import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';
import { isDatabaseUnavailable } from '../database/sql-dialect';
import { maskQuotedLiterals, maskUrl } from '../observability/redaction';
import { type Problem, ProblemException, type ProblemMapper, problemBody } from './problem';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The one exception filter: every error leaves the service as application/problem+json. Unknown errors are logged
 * and become a bare 500 that leaks nothing; a database that is down becomes 503 with Retry-After.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  constructor(private readonly mappers: readonly ProblemMapper[] = []) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    if (reply.sent) return;
    const problem = this.toProblem(error);
    if (problem.status >= 500 && problem.status !== 503) {
      // The URL's query and the driver's quoted literals may hold the very personal data the request was about.
      const what = maskQuotedLiterals((error as Error)?.stack ?? String(error));
      this.logger.error(`${request.method} ${maskUrl(request.originalUrl)} failed: ${what}`);
    }
    for (const [name, value] of Object.entries(problem.headers ?? {})) reply.header(name, value);
    void reply
      .code(problem.status)
      .type(PROBLEM_CONTENT_TYPE)
      .send(JSON.stringify(problemBody(problem, request.originalUrl)));
  }

  toProblem(error: unknown): Problem {
    if (error instanceof ProblemException) return error.problem;
    for (const mapper of this.mappers) {
      const problem = mapper(error);
      if (problem) return problem;
    }
    if (error instanceof HttpException) return fromHttpException(error);
    if (isDatabaseUnavailable(error) || error instanceof BrokenCircuitError || error instanceof TaskCancelledError) {
      return {
        status: 503,
        slug: 'dependency-unavailable',
        title: 'A dependency is unavailable',
        detail: 'The database cannot be reached right now; retry later.',
        headers: { 'Retry-After': '5' },
      };
    }
    return {
      status: 500,
      slug: 'internal-error',
      title: 'Internal error',
      detail: 'The request could not be completed.',
    };
  }
}

// Fastify's own errors (an oversized body, an unknown route) reach here as HttpExceptions with these statuses.
const HTTP_EXCEPTION_SLUGS: Readonly<Partial<Record<number, string>>> = {
  [HttpStatus.NOT_FOUND]: 'not-found',
  [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload-too-large',
  [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'unsupported-media-type',
  [HttpStatus.METHOD_NOT_ALLOWED]: 'method-not-allowed',
  [HttpStatus.BAD_REQUEST]: 'invalid-request',
};

function fromHttpException(error: HttpException): Problem {
  const status: HttpStatus = error.getStatus();
  const body = error.getResponse();
  const message = typeof body === 'string' ? body : (body as { message?: unknown }).message;
  const detail = Array.isArray(message)
    ? message.join('; ')
    : typeof message === 'string' || typeof message === 'number'
      ? String(message)
      : error.message;
  // The rate limiter (RateLimitGuard) has already set Retry-After and the RateLimit-* headers on the response.
  if (status === HttpStatus.TOO_MANY_REQUESTS) {
    return {
      status,
      slug: 'too-many-requests',
      title: 'Too many requests',
      detail: 'This caller sent more requests than its rate limit allows; retry after Retry-After seconds.',
    };
  }
  const slug = HTTP_EXCEPTION_SLUGS[status] ?? `http-${status}`;
  const title = HttpStatus[status]?.toString().toLowerCase().replace(/_/g, ' ') ?? 'error';
  // A failing readiness probe (terminus) is a 503 like a database outage: say when to look again.
  const headers = status === HttpStatus.SERVICE_UNAVAILABLE ? { 'Retry-After': '5' } : undefined;
  return {
    status,
    slug,
    title: title.charAt(0).toUpperCase() + title.slice(1),
    detail,
    ...(headers ? { headers } : {}),
  };
}
