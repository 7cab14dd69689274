import { createHash } from 'node:crypto';
import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, lastValueFrom, type Observable, of } from 'rxjs';
import { UnitOfWork } from '../database/unit-of-work';
import { ProblemException } from '../http/problem';
import { IdempotencyStore } from './idempotency.store';

/** Headers of the first response that a replay repeats. */
const REPLAYED_HEADERS = ['location', 'etag'];

/**
 * One interceptor serves every @Idempotent() route (it is bound to those routes only). Same key + same request replays the first response (with
 * `Idempotent-Replayed: true`); same key + another request is 422; same key while the first is running is 409.
 * The route's whole command runs inside the unit of work this interceptor opens, so the stored response commits
 * with the command's rows.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly unitOfWork: UnitOfWork,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const key = request.headers['idempotency-key'];
    if (key === undefined) return next.handle();
    if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
      throw ProblemException.badRequest(
        'Idempotency-Key must be 1 to 255 visible ASCII characters.',
        undefined,
        'invalid-idempotency-key',
      );
    }
    const response = context.switchToHttp().getResponse<FastifyReply>();
    const outcome = await this.store.claim(key, requestHash(request));
    switch (outcome.kind) {
      case 'key-reused-with-other-request':
        throw new ProblemException({
          status: 422,
          slug: 'idempotency-key-reused',
          title: 'Idempotency-Key already used',
          detail: 'This Idempotency-Key was used with a different request; use a new key for a new request.',
        });
      case 'in-flight':
        throw new ProblemException({
          status: 409,
          slug: 'idempotency-key-in-flight',
          title: 'Request still in progress',
          detail: 'A request with this Idempotency-Key is still being processed; retry later.',
          headers: { 'Retry-After': '1' },
        });
      case 'replay': {
        const stored = outcome.response;
        if (stored.status === 410) {
          throw new ProblemException({
            status: 410,
            slug: 'customer-erased',
            title: 'Resource erased',
            detail: 'The resource this request created has since been erased.',
          });
        }
        for (const [name, value] of Object.entries(stored.headers)) void response.header(name, value);
        void response.header('Idempotent-Replayed', 'true');
        return of(stored.body);
      }
      case 'claimed':
        return from(this.runAndStore(key, outcome.token, request, response, next));
    }
  }

  private async runAndStore(
    key: string,
    token: string,
    request: FastifyRequest,
    response: FastifyReply,
    next: CallHandler,
  ): Promise<unknown> {
    try {
      return await this.unitOfWork.run(async () => {
        const body: unknown = await lastValueFrom(next.handle(), { defaultValue: undefined });
        const headers = Object.fromEntries(
          REPLAYED_HEADERS.flatMap((name) =>
            response.getHeader(name) === undefined ? [] : [[name, String(response.getHeader(name))]],
          ),
        );
        // Nest's default success status: 201 for POST, 200 otherwise (the idempotent routes keep the default).
        const status = request.method === 'POST' ? 201 : 200;
        const resourceId = (body as { id?: unknown } | undefined)?.id;
        const stored = await this.store.complete(
          key,
          token,
          { status, headers, body },
          typeof resourceId === 'string' || typeof resourceId === 'number' ? String(resourceId) : null,
        );
        if (!stored) {
          throw new ProblemException({
            status: 409,
            slug: 'idempotency-key-in-flight',
            title: 'Request superseded',
            detail: 'This request took too long and another request with the same Idempotency-Key took over.',
          });
        }
        return body;
      });
    } catch (error) {
      await this.store.release(key, token).catch(() => undefined);
      throw error;
    }
  }
}

function requestHash(request: FastifyRequest): string {
  return createHash('sha256')
    .update(`${request.method} ${request.url.split('?')[0]}\n${canonicalJson(request.body)}`)
    .digest('hex');
}

/** JSON with object keys sorted, so the same body hashes the same whatever the client's key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
