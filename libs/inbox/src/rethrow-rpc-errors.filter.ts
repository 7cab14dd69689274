import { Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC exception filter turns every error a message handler throws into a bare "Internal server
 * error". The commands consumer must see the real error (a domain error is poison, a lost database is transient),
 * so this filter hands it back unchanged.
 */
@Catch()
export class RethrowRpcErrors implements RpcExceptionFilter<unknown> {
  catch(error: unknown): Observable<never> {
    return throwError(() => error);
  }
}
