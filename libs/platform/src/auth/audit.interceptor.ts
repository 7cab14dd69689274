/**
 * One audit line per change that succeeded: which operation, on which resource id, by whom (`sub` and `client_id`
 * of the token). Never the request body or the customer's data: the log is not a second copy of the database, and
 * erasure could not reach it.
 */
import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Injectable,
  Logger,
  type NestInterceptor,
  UseInterceptors,
} from '@nestjs/common';
import { type Observable, tap } from 'rxjs';
import type { AuthenticatedRequest } from './auth.guard';

interface AuditedRequest extends AuthenticatedRequest {
  method: string;
  params?: Record<string, string>;
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class AuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Audit');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    if (READS.has(request.method)) return next.handle();
    const operation = `${context.getClass().name.replace(/Controller$/, '')}.${context.getHandler().name}`;
    return next.handle().pipe(
      tap((result) => {
        const id: unknown = request.params?.id ?? (result as { id?: unknown } | undefined)?.id;
        const resource = typeof id === 'string' || typeof id === 'number' ? ` id=${id}` : '';
        const caller = request.caller
          ? `sub=${request.caller.subject}${request.caller.clientId ? ` client_id=${request.caller.clientId}` : ''}`
          : 'anonymous (auth off)';
        this.logger.log(`${operation}${resource} by ${caller}`);
      }),
    );
  }
}

/**
 * Audits a route. Bound per route, not globally: a route with no interceptor at all skips Nest's rxjs pipeline, so
 * reads, which are never audited, do not pay for it (13 KB of allocations and ~14 µs of CPU per get by id).
 */
export const Audited = (): MethodDecorator => applyDecorators(UseInterceptors(AuditInterceptor));
