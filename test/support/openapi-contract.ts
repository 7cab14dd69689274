/**
 * Checks real HTTP responses against the service's own OpenAPI 3.1 document (/docs-json), so the document cannot
 * drift from the behaviour: the status must be declared for the operation, the body must match the schema declared
 * for that status and content type (JSON Schema 2020-12, which OpenAPI 3.1 uses, through Ajv in strict mode), and
 * every header the document marks as required must be there and match its schema. It also records which declared
 * responses the tests produced, so a suite can tell which ones it never saw.
 *
 * Ajv runs strict: a keyword it does not know, an unknown format, or a keyword used the OpenAPI 3.0 way (a boolean
 * exclusiveMinimum) fails compilation. (Ajv accepts the 3.0 `nullable` as an extension, so the suite checks the
 * document for it separately.)
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Response } from 'supertest';

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface OperationObject {
  operationId?: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: unknown }>;
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, ResponseObject>;
}

export interface ResponseObject {
  description: string;
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, { required?: boolean; schema?: unknown }>;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const COMPONENTS_ID = 'https://customerflow.test/openapi/components.json';

export class OpenApiContract {
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<unknown, ValidateFunction>();
  private readonly seen = new Set<string>();

  constructor(readonly document: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
    addFormats(this.ajv);
    // Formats OpenAPI defines on top of JSON Schema's; they only describe the value, as JSON has one number type.
    for (const format of ['int32', 'int64', 'float', 'double', 'password']) this.ajv.addFormat(format, true);
    // Annotations OpenAPI adds to JSON Schema; they do not constrain values.
    this.ajv.addVocabulary(['example', 'xml', 'externalDocs']);
    this.ajv.addSchema({ $id: COMPONENTS_ID, $defs: rewriteRefs(document.components?.schemas ?? {}) });
  }

  /** Every operation as "METHOD /path/{template}". */
  operations(): Array<{ method: string; path: string; operation: OperationObject }> {
    return Object.entries(this.document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.includes(method))
        .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
    );
  }

  /** Throws, naming everything that does not match, unless `response` is one the document declares for this request. */
  check(method: string, url: string, response: Response): void {
    const problems = this.problemsWith(method, url, response);
    if (problems.length > 0) {
      throw new Error(
        `${method} ${url} → ${response.status} does not match the OpenAPI document:\n  - ${problems.join('\n  - ')}\n  body: ${truncate(response.text)}`,
      );
    }
  }

  /** The declared responses ("METHOD /path status") that no checked response has produced. */
  unseen(): string[] {
    return this.operations().flatMap(({ method, path, operation }) =>
      Object.keys(operation.responses)
        .map((status) => `${method} ${path} ${status}`)
        .filter((key) => !this.seen.has(key)),
    );
  }

  problemsWith(method: string, url: string, response: Response): string[] {
    const pathname = new URL(url, 'http://localhost').pathname;
    const match = this.findOperation(method, pathname);
    if (!match) return [`no operation ${method} ${pathname} in the document`];
    const { path, operation } = match;
    const status = String(response.status);
    const declared =
      operation.responses[status] ?? operation.responses[`${status[0]}XX`] ?? operation.responses.default;
    if (!declared)
      return [`status ${status} is not declared (declared: ${Object.keys(operation.responses).join(', ')})`];
    const key = operation.responses[status]
      ? status
      : operation.responses[`${status[0]}XX`]
        ? `${status[0]}XX`
        : 'default';
    this.seen.add(`${method} ${path} ${key}`);
    return [...this.bodyProblems(declared, response), ...this.headerProblems(declared, response)];
  }

  private bodyProblems(declared: ResponseObject, response: Response): string[] {
    const contentType = String(response.headers['content-type'] ?? '')
      .split(';')[0]
      .trim()
      .toLowerCase();
    if (!declared.content || Object.keys(declared.content).length === 0) {
      return response.text ? [`no body is declared, but one was sent (${contentType})`] : [];
    }
    const media = declared.content[contentType];
    if (!media)
      return [`content type "${contentType}" is not declared (declared: ${Object.keys(declared.content).join(', ')})`];
    if (media.schema === undefined) return [];
    let body: unknown;
    try {
      body = JSON.parse(response.text);
    } catch {
      return ['the body is not JSON'];
    }
    const validate = this.validatorFor(media.schema);
    return validate(body)
      ? []
      : (validate.errors ?? []).map((e) => `body${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  }

  private headerProblems(declared: ResponseObject, response: Response): string[] {
    return Object.entries(declared.headers ?? {}).flatMap(([name, header]) => {
      const value = response.headers[name.toLowerCase()] as string | undefined;
      if (value === undefined) return header.required ? [`required header ${name} is missing`] : [];
      if (header.schema === undefined) return [];
      const validate = this.validatorFor(header.schema);
      return validate(value)
        ? []
        : [`header ${name}: ${JSON.stringify(value)} ${validate.errors?.map((e) => e.message).join('; ')}`];
    });
  }

  private findOperation(method: string, pathname: string): { path: string; operation: OperationObject } | undefined {
    const candidates = Object.keys(this.document.paths)
      .filter(
        (template) => templateRegExp(template).test(pathname) && this.document.paths[template][method.toLowerCase()],
      )
      // A literal segment beats a parameter: /v1/customers/search before /v1/customers/{id}.
      .sort((a, b) => (a.match(/\{/g)?.length ?? 0) - (b.match(/\{/g)?.length ?? 0));
    const path = candidates[0];
    return path === undefined ? undefined : { path, operation: this.document.paths[path][method.toLowerCase()] };
  }

  private validatorFor(schema: unknown): ValidateFunction {
    let validate = this.validators.get(schema);
    if (!validate) {
      validate = this.ajv.compile(rewriteRefs(schema) as object);
      this.validators.set(schema, validate);
    }
    return validate;
  }
}

/** Points `#/components/schemas/X` at the copy of the components Ajv holds. */
function rewriteRefs<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema).replace(/"#\/components\/schemas\//g, `"${COMPONENTS_ID}#/$defs/`)) as T;
}

function templateRegExp(template: string): RegExp {
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`);
}

function truncate(text: string | undefined): string {
  if (!text) return '(empty)';
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
