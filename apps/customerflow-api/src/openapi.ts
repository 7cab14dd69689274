/**
 * The REST contract as OpenAPI 3.1, generated from the controllers' decorators and DTO classes, so it describes the
 * code that runs: the JSON at /docs-json, Swagger UI at /docs. The end-to-end suite validates real responses against
 * this document (test/e2e/openapi.e2e-spec.ts), so a change in behaviour that the document does not follow fails.
 */
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { BEARER_SCHEME, Scope } from './access.decorators';
import { ProblemResponse } from './problem.response';

export const OPENAPI_UI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'docs-json';

export function setupOpenApi(app: INestApplication): void {
  // Built on the first request, not at start-up: most replicas are never asked for it.
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => (document ??= buildOpenApiDocument(app)), {
    jsonDocumentUrl: OPENAPI_JSON_PATH,
    raw: ['json'],
    customSiteTitle: 'CustomerFlow API',
  });
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('CustomerFlow API')
    .setDescription(
      'Register, change, deactivate, reactivate, erase, read and search customers. Every error is ' +
        "application/problem+json (RFC 9457). A customer's ETag is its version: send it in If-Match to change the " +
        "customer without overwriting someone else's change, and in If-None-Match to re-read it cheaply.",
    )
    .setVersion('1')
    // Relative, so the document is right behind any host, port or gateway prefix that serves it.
    .addServer('/', 'The host that served this document')
    .addTag('customers', 'Register, read, search, change, deactivate, reactivate and erase customers')
    .addTag('admin', "Operators' view of the outbox: backlog, dead letters, requeue. Keep it on an internal network")
    .addTag('health', 'Kubernetes probes and Prometheus metrics')
    .addTag('contracts', 'The message contract (AsyncAPI) of the events this service publishes')
    // @nestjs/swagger 12 emits 3.0 unless asked; asking for 3.1 also turns `nullable: true` into type arrays
    // (`type: ['string', 'null']`) and `anyOf: [..., { type: 'null' }]` for references.
    .setOpenAPIVersion('3.1.0')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'An OAuth2 access token (JWT, RFC 9068) from the configured issuer. Each operation names the scope it ' +
          `needs in x-required-scopes: ${Object.values(Scope).join(', ')}.`,
      },
      BEARER_SCHEME,
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, { extraModels: [ProblemResponse] });
  closeComponentSchemas(document);
  return document;
}

/**
 * Our schemas list every property the API reads or writes: unknown request fields are rejected with a 400, and
 * responses carry nothing else. Saying so (`additionalProperties: false`) lets generated clients and the contract
 * test notice a property that the code has and the document lacks.
 */
function closeComponentSchemas(document: OpenAPIObject): void {
  for (const schema of Object.values(document.components?.schemas ?? {})) {
    if ('properties' in schema && schema.additionalProperties === undefined) schema.additionalProperties = false;
  }
}
