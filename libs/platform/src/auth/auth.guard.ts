/**
 * Authentication and authorization for every HTTP route (bound as a global guard): the bearer token must verify,
 * and carry the scope the route declares. Failures are RFC 6750 answers as problem+json: 401 with
 * `WWW-Authenticate: Bearer error="invalid_token"` and one generic detail whatever failed (the log says which
 * check), 403 with `error="insufficient_scope", scope="…"`. With auth off the guard lets everything through.
 */
import { type CanActivate, type ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { ProblemException } from '../http/problem';
import { AccessTokenVerifier, type Caller, InvalidAccessToken, KeysUnavailable } from './access-token-verifier';
import { ROUTE_ACCESS, type RouteAccess } from './route-access';

/** The request as the guard leaves it: `caller` is set once the token is verified. */
export interface AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
  caller?: Caller;
}

/** RFC 6750 b64token: what may follow `Bearer `. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
const MAX_TOKEN_LENGTH = 8192;

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');
  private readonly verifier: AccessTokenVerifier | null;

  constructor(
    private readonly reflector: Reflector,
    config: AppConfig,
  ) {
    this.verifier = config.auth.enabled ? new AccessTokenVerifier(config.auth) : null;
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http' || this.verifier === null) return true;
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ROUTE_ACCESS, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access?.kind === 'open') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    request.caller = await this.authenticate(request.headers.authorization);
    if (access?.kind === 'scope' && !request.caller.scopes.has(access.scope)) {
      this.logger.log(`token of ${request.caller.subject} lacks scope ${access.scope}`);
      throw new ProblemException({
        status: 403,
        slug: 'insufficient-scope',
        title: 'Insufficient scope',
        detail: `This operation needs an access token with the ${access.scope} scope.`,
        headers: { 'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${access.scope}"` },
      });
    }
    return true;
  }

  private async authenticate(header: string | string[] | undefined): Promise<Caller> {
    const token = bearerToken(header);
    if (typeof token !== 'string') throw this.unauthorized(token.reason);
    try {
      return await this.verifier!.verify(token);
    } catch (error) {
      if (error instanceof InvalidAccessToken) throw this.unauthorized(error.reason);
      if (error instanceof KeysUnavailable) {
        this.logger.warn(`cannot verify tokens: ${error.reason}`);
        throw new ProblemException({
          status: 503,
          slug: 'keys-unavailable',
          title: 'Token keys unavailable',
          detail: 'The keys that verify access tokens cannot be fetched right now; retry later.',
          headers: { 'Retry-After': '5' },
        });
      }
      throw error;
    }
  }

  private unauthorized(reason: string): ProblemException {
    this.logger.log(`rejected a request's credentials: ${reason}`);
    return new ProblemException({
      status: 401,
      slug: 'invalid-token',
      title: 'Unauthorized',
      detail: 'A valid bearer access token is required.',
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    });
  }
}

function bearerToken(header: string | string[] | undefined): string | { reason: string } {
  if (header === undefined) return { reason: 'no Authorization header' };
  if (Array.isArray(header)) return { reason: 'more than one Authorization header' };
  const match = /^Bearer +(\S+) *$/i.exec(header);
  if (!match) return { reason: 'the Authorization header is not a Bearer token' };
  const token = match[1];
  if (token.length > MAX_TOKEN_LENGTH) return { reason: 'the token is too long' };
  if (!B64TOKEN.test(token)) return { reason: 'the token has characters a bearer token cannot have' };
  return token;
}
