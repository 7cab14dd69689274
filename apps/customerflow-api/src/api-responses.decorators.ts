/**
 * OpenAPI decorators for what every customer endpoint shares: error responses as application/problem+json with the
 * Problem schema, and the response headers (ETag, Location, Retry-After, ...). Keeping them here keeps each
 * controller's documentation to one line per concern, and the wording the same everywhere.
 *
 * They write @nestjs/swagger's response metadata directly instead of going through ApiResponse(): ApiResponse merges
 * a second declaration for the same status key by key, which would mix a problem+json `content` with a `schema` that
 * another decorator (terminus's @HealthCheck) declared for the same status, and the schema would win.
 */
import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, DECORATORS, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '@customerflow/platform';
import { ProblemResponse } from './problem.response';

interface HeaderObject {
  readonly description: string;
  readonly required?: boolean;
  readonly schema: Record<string, unknown>;
}

export const ETAG_HEADER: Record<string, HeaderObject> = {
  ETag: {
    description:
      'The customer version as an entity tag, such as "3". Send it back in If-Match (to change) or If-None-Match (to re-read).',
    required: true,
    schema: { type: 'string', pattern: '^"[0-9]+"$', examples: ['"3"'] },
  },
};

export const LOCATION_HEADER: Record<string, HeaderObject> = {
  Location: {
    description: 'Path of the new customer',
    required: true,
    schema: { type: 'string', format: 'uri-reference', examples: ['/v1/customers/42'] },
  },
};

export const IDEMPOTENT_REPLAYED_HEADER: Record<string, HeaderObject> = {
  'Idempotent-Replayed': {
    description: 'Present (true) when this is the stored response to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
};

export const RETRY_AFTER_HEADER: Record<string, HeaderObject> = {
  'Retry-After': {
    description: 'Seconds to wait before retrying',
    required: true,
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
};

export const WWW_AUTHENTICATE_HEADER: Record<string, HeaderObject> = {
  'WWW-Authenticate': {
    description:
      'RFC 6750 challenge: `Bearer error="invalid_token"` (401) or `Bearer error="insufficient_scope", scope="…"` (403)',
    required: true,
    schema: { type: 'string', pattern: '^Bearer ' },
  },
};

const DEFAULT_DESCRIPTIONS = {
  400: 'The request is not valid; `errors` points at each invalid field or parameter',
  401: 'No bearer access token, or one that is malformed, expired, wrongly signed, or for another issuer or audience',
  403: 'The access token lacks the scope this operation needs (named in WWW-Authenticate)',
  404: 'No customer has this id',
  409: 'The request conflicts with the current state',
  410: 'The customer was erased',
  412: 'If-Match names a version that is no longer current',
  413: 'The body is larger than 64 kB',
  415: 'The body is not JSON',
  422: 'The Idempotency-Key was already used with a different request',
  428: 'If-Match is required',
  429: 'Too many requests from this caller; retry after Retry-After seconds',
  503: 'The database cannot be reached, or customer changes are paused by the customer-writes feature flag; retry after Retry-After seconds',
} as const;

export type ProblemStatus = keyof typeof DEFAULT_DESCRIPTIONS;

const DEFAULT_HEADERS: Partial<Record<ProblemStatus, Record<string, HeaderObject>>> = {
  401: WWW_AUTHENTICATE_HEADER,
  403: WWW_AUTHENTICATE_HEADER,
  429: RETRY_AFTER_HEADER,
  503: RETRY_AFTER_HEADER,
};
type ProblemEntry =
  | ProblemStatus
  | { readonly status: ProblemStatus; readonly description: string; readonly headers?: Record<string, HeaderObject> };

/**
 * Declares each listed error status as a problem+json response; 401 and 403 also declare WWW-Authenticate, 429 and
 * 503 Retry-After, unless the entry lists its own headers. It replaces what
 * another decorator declared for the same status only if it applies after it, so put it above that decorator.
 */
export function ApiProblemResponses(...entries: readonly ProblemEntry[]): MethodDecorator {
  const responses = Object.fromEntries(
    entries.map((entry) => {
      const { status, description, headers } =
        typeof entry === 'number'
          ? { status: entry, description: DEFAULT_DESCRIPTIONS[entry], headers: undefined }
          : entry;
      const allHeaders = headers ?? DEFAULT_HEADERS[status] ?? {};
      return [
        status,
        {
          description,
          content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemResponse) } } },
          ...(Object.keys(allHeaders).length > 0 ? { headers: allHeaders } : {}),
        },
      ];
    }),
  );
  return applyDecorators(
    ApiExtraModels(ProblemResponse),
    (_target: object, _key: string | symbol, descriptor: PropertyDescriptor) => {
      const existing = declaredResponses(descriptor);
      Reflect.defineMetadata(DECORATORS.API_RESPONSE, { ...existing, ...responses }, descriptor.value as object);
    },
  );
}

/** Adds response headers to the response a route declares for `status`, whichever decorator declared it. */
export function ApiResponseHeaders(status: number, headers: Record<string, HeaderObject>): MethodDecorator {
  return (_target: object, _key: string | symbol, descriptor: PropertyDescriptor) => {
    const existing = declaredResponses(descriptor);
    const entry = existing[status] ?? { description: '' };
    Reflect.defineMetadata(
      DECORATORS.API_RESPONSE,
      { ...existing, [status]: { ...entry, headers: { ...entry.headers, ...headers } } },
      descriptor.value as object,
    );
  };
}

type DeclaredResponse = { description: string; headers?: Record<string, HeaderObject> };

/** The responses @nestjs/swagger has recorded on a route handler so far, keyed by status. */
function declaredResponses(descriptor: PropertyDescriptor): Record<string, DeclaredResponse> {
  return (Reflect.getMetadata(DECORATORS.API_RESPONSE, descriptor.value as object) ?? {}) as Record<
    string,
    DeclaredResponse
  >;
}
