/**
 * The API's scopes and the one decorator a route uses to demand one: it tells the AuthGuard, and documents the
 * bearer requirement, the scope and the 401/403/429 answers in OpenAPI, so the document and the check cannot differ.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { Audited, OpenRoute, RequireScope } from '@customerflow/platform';
import { ApiProblemResponses } from './api-responses.decorators';

export const Scope = {
  customersRead: 'customers:read',
  customersWrite: 'customers:write',
  customersErase: 'customers:erase',
  outboxAdmin: 'outbox:admin',
} as const;
export type Scope = (typeof Scope)[keyof typeof Scope];

/** The name of the bearer scheme in the OpenAPI document's components.securitySchemes. */
export const BEARER_SCHEME = 'bearer';

/**
 * The route needs a valid access token carrying `scope`. A route whose scope allows changes is audited too (one
 * line per change that succeeded); read-only routes are not, so that their requests pass no interceptor.
 *
 * OpenAPI lists scopes in a security requirement only for OAuth2 flows, which would have to name the issuer's token
 * endpoint; the service does not know it, so the scheme is plain HTTP bearer and each operation names its scope in
 * `x-required-scopes`.
 */
export function RequiresScope(scope: Scope): MethodDecorator {
  return applyDecorators(
    RequireScope(scope),
    ...(scope === Scope.customersRead ? [] : [Audited()]),
    ApiSecurity(BEARER_SCHEME),
    ApiExtension('x-required-scopes', [scope]),
    ApiProblemResponses(401, 403, 429),
  );
}

/** The route answers without a token (probes, metrics, the API documents): the cluster network is its boundary. */
export function Open(): ClassDecorator & MethodDecorator {
  return applyDecorators(OpenRoute());
}
