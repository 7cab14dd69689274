/**
 * Checks a message body against the customer event contract, `.v1` or `.v2`: the JSON Schema of its `type`, plus
 * the two cross-field rules a schema cannot express (`subject` is `data.id`, `sequence` is `data.version`, in
 * `.v2` zero-padded). Subscribers get it from the `@customerflow/contracts` package; inside this repository it is
 * for test suites (ajv is a devDependency of the service), which is why it is reached through `testing/` and not
 * the lib's index.
 */
import Ajv2020, { type ErrorObject } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { customerDefsSchema, customerEventSchemas, customerEventSchemasV2, SEQUENCE_DIGITS } from './index';

export interface CustomerEventValidation {
  valid: boolean;
  /** One line per problem, `<JSON pointer> <what is wrong>`, e.g. `/data must NOT have additional property "email"`. */
  errors: string[];
}

export type CustomerEventValidator = (event: unknown) => CustomerEventValidation;

export function createCustomerEventValidator(): CustomerEventValidator {
  // strict catches typos in the schemas themselves (an unknown keyword would silently validate nothing);
  // allErrors so one run reports every drift, not just the first.
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(customerDefsSchema);
  const validators = new Map(
    Object.entries({ ...customerEventSchemas, ...customerEventSchemasV2 }).map(
      ([type, schema]) => [type, ajv.compile(schema)] as const,
    ),
  );

  return (event) => {
    if (!isRecord(event)) return { valid: false, errors: ['/ must be an object'] };
    const validate = typeof event.type === 'string' ? validators.get(event.type) : undefined;
    if (!validate) {
      return {
        valid: false,
        errors: [`/type must be one of ${[...validators.keys()].join(', ')} (got ${JSON.stringify(event.type)})`],
      };
    }
    const errors = validate(event) ? [] : (validate.errors ?? []).map(describe);
    errors.push(...crossFieldErrors(event));
    return { valid: errors.length === 0, errors };
  };
}

function crossFieldErrors(event: Record<string, unknown>): string[] {
  const data = isRecord(event.data) ? event.data : {};
  const errors: string[] = [];
  if (typeof data.id === 'string' && event.subject !== data.id) {
    errors.push(`/subject must equal /data/id (${JSON.stringify(data.id)})`);
  }
  if (typeof data.version === 'number') {
    const padded = typeof event.type === 'string' && Object.hasOwn(customerEventSchemasV2, event.type);
    const sequence = padded ? String(data.version).padStart(SEQUENCE_DIGITS, '0') : String(data.version);
    if (event.sequence !== sequence) {
      const how = padded ? ` zero-padded to ${SEQUENCE_DIGITS} digits` : '';
      errors.push(`/sequence must equal /data/version${how} (${JSON.stringify(sequence)})`);
    }
  }
  return errors;
}

function describe(error: ErrorObject): string {
  const at = error.instancePath || '/';
  switch (error.keyword) {
    // ajv's own messages leave out the offending name or the expected value, which is what a reader needs.
    case 'additionalProperties':
      return `${at} must NOT have additional property ${JSON.stringify(error.params.additionalProperty)}`;
    case 'const':
      return `${at} must be ${JSON.stringify(error.params.allowedValue)}`;
    case 'enum':
      return `${at} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${at} ${error.message ?? error.keyword}`;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
