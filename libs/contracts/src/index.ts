/**
 * The versioned integration events CustomerFlow publishes to RabbitMQ (README.md beside this folder, docs/contracts.md): the types the service maps
 * its domain events to, the JSON Schemas subscribers validate against and the AsyncAPI document that describes the
 * exchange. Subscribers may depend on everything exported here, so a breaking change means a new `.vN` event type,
 * never an edit of an existing one. Plain TypeScript and JSON on purpose: no framework, no other lib.
 */
import asyncApi from '../asyncapi.json';
import commandDefs from './schemas/command.defs.schema.json';
import { bundleAsyncApi } from './asyncapi-bundle';
import customerDefs from './schemas/customer.defs.schema.json';
import deadLetterSchema from './schemas/customerflow.command.dead-letter.schema.json';
import deactivateSchema from './schemas/customerflow.customer.deactivate.v1.schema.json';
import eraseSchema from './schemas/customerflow.customer.erase.v1.schema.json';
import reactivateSchema from './schemas/customerflow.customer.reactivate.v1.schema.json';
import registerSchema from './schemas/customerflow.customer.register.v1.schema.json';
import updateSchema from './schemas/customerflow.customer.update.v1.schema.json';
import deactivatedSchema from './schemas/customerflow.customer.deactivated.v1.schema.json';
import erasedSchema from './schemas/customerflow.customer.erased.v1.schema.json';
import reactivatedSchema from './schemas/customerflow.customer.reactivated.v1.schema.json';
import registeredSchema from './schemas/customerflow.customer.registered.v1.schema.json';
import updatedSchema from './schemas/customerflow.customer.updated.v1.schema.json';

export const CLOUDEVENTS_SOURCE = '/customerflow';
export const CUSTOMER_AGGREGATE_TYPE = 'customer';

export const CustomerEventType = {
  registered: 'customerflow.customer.registered.v1',
  updated: 'customerflow.customer.updated.v1',
  deactivated: 'customerflow.customer.deactivated.v1',
  reactivated: 'customerflow.customer.reactivated.v1',
  erased: 'customerflow.customer.erased.v1',
} as const;
export type CustomerEventType = (typeof CustomerEventType)[keyof typeof CustomerEventType];

/**
 * The commands other systems send over RabbitMQ (queue `customerflow.commands`), as CloudEvents 1.0. Register's
 * `data` is the body of `POST /v1/customers`; the other four name the customer in `subject`.
 */
export const CustomerCommandType = {
  register: 'customerflow.customer.register.v1',
  update: 'customerflow.customer.update.v1',
  deactivate: 'customerflow.customer.deactivate.v1',
  reactivate: 'customerflow.customer.reactivate.v1',
  erase: 'customerflow.customer.erase.v1',
} as const;
export type CustomerCommandType = (typeof CustomerCommandType)[keyof typeof CustomerCommandType];

// Segments are lower-case words so a routing key never contains the `*` / `#` wildcards of a topic binding.
const EVENT_TYPE = /^customerflow\.([a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+)\.v[1-9][0-9]*$/;

/** `customerflow.customer.registered.v1` → `customer.registered`: the routing key on the `customerflow.events` exchange. */
export function routingKeyOf(type: string): string {
  const match = EVENT_TYPE.exec(type);
  if (!match) {
    throw new Error(`Not a CustomerFlow event type: "${type}" (expected customerflow.<aggregate>.<fact>.v<n>)`);
  }
  return match[1];
}

/** One address of a customer, as in the REST body. */
export interface AddressRepresentation {
  street: string;
  number: string;
  complement: string | null;
  district: string;
  city: string;
  state: string;
  postalCode: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
}

/** The customer as REST clients and subscribers see it. */
export interface CustomerRepresentation {
  /** A decimal string, so the id strategy can change without breaking clients. */
  id: string;
  name: string;
  /** Normalized to lower case; a legacy record (see the schema map) is served as stored, and may have none. */
  email: string | null;
  /** E.164. */
  phone: string | null;
  document: { type: 'CPF' | 'CNPJ'; number: string } | null;
  /** `YYYY-MM-DD`. */
  birthDate: string | null;
  status: 'active' | 'inactive';
  /** At most 5. */
  addresses: AddressRepresentation[];
  createdAt: string;
  updatedAt: string;
  version: number;
}

/**
 * The service registers a customer only with an email, so the event always carries one (its JSON Schema says so);
 * only a legacy record read over REST may have none.
 */
export type CustomerRegisteredData = Omit<CustomerRepresentation, 'email'> & { email: string };

export interface CustomerUpdatedData {
  id: string;
  version: number;
  updatedAt: string;
  /** Only the fields that changed, with their new values; `null` means the value was removed. Never empty. */
  changes: Partial<Pick<CustomerRegisteredData, 'name' | 'email' | 'phone' | 'document' | 'birthDate' | 'addresses'>>;
}

/** `deactivated` carries `status: 'inactive'`, `reactivated` carries `status: 'active'`. */
export interface CustomerStatusChangedData {
  id: string;
  version: number;
  status: 'active' | 'inactive';
  updatedAt: string;
}

/** Deliberately no personal data: subscribers learn that the customer is gone, never what it was. */
export interface CustomerErasedData {
  id: string;
  version: number;
  erasedAt: string;
}

export interface CustomerEventDataByType {
  'customerflow.customer.registered.v1': CustomerRegisteredData;
  'customerflow.customer.updated.v1': CustomerUpdatedData;
  'customerflow.customer.deactivated.v1': CustomerStatusChangedData;
  'customerflow.customer.reactivated.v1': CustomerStatusChangedData;
  'customerflow.customer.erased.v1': CustomerErasedData;
}

/** A CloudEvents 1.0 event in structured mode: the whole AMQP body, content type `application/cloudevents+json`. */
export interface CloudEventEnvelope<TType extends string = string, TData = unknown> {
  specversion: '1.0';
  /** A UUID; also the AMQP messageId, and what subscribers dedupe on. */
  id: string;
  source: string;
  type: TType;
  /** The customer id. */
  subject: string;
  /** ISO-8601 with a time zone. */
  time: string;
  datacontenttype: 'application/json';
  /** The customer's version after the change, as a decimal string: orders one customer's events. */
  sequence: string;
  traceparent?: string;
  tracestate?: string;
  data: TData;
}

export type CustomerEvent = {
  [K in CustomerEventType]: CloudEventEnvelope<K, CustomerEventDataByType[K]>;
}[CustomerEventType];

// Frozen because the imported JSON is a module singleton: a caller mutating it would change the contract for every
// other importer in the process.
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * The JSON Schema (draft 2020-12) of each event type, validating the whole envelope. They `$ref` the shared
 * definitions by relative URI, so add {@link customerDefsSchema} to the same validator instance first.
 */
export const customerEventSchemas: Readonly<Record<CustomerEventType, object>> = deepFreeze({
  [CustomerEventType.registered]: registeredSchema,
  [CustomerEventType.updated]: updatedSchema,
  [CustomerEventType.deactivated]: deactivatedSchema,
  [CustomerEventType.reactivated]: reactivatedSchema,
  [CustomerEventType.erased]: erasedSchema,
});

/** The definitions every event schema references (`customer.defs.schema.json`): envelope attributes, customer, address. */
export const customerDefsSchema: object = deepFreeze(customerDefs);

/**
 * The JSON Schema (draft 2020-12) of each command type, validating the structured-mode envelope. They `$ref`
 * {@link commandDefsSchema} (and, for nothing else, nothing more): add it to the validator first.
 */
export const customerCommandSchemas: Readonly<Record<CustomerCommandType, object>> = deepFreeze({
  [CustomerCommandType.register]: registerSchema,
  [CustomerCommandType.update]: updateSchema,
  [CustomerCommandType.deactivate]: deactivateSchema,
  [CustomerCommandType.reactivate]: reactivateSchema,
  [CustomerCommandType.erase]: eraseSchema,
});

/** The definitions the command schemas reference: CloudEvents attributes, the inputs, problem details. */
export const commandDefsSchema: object = deepFreeze(commandDefs);

/** The body of a message on the commands' dead letter queue. */
export const commandDeadLetterSchema: object = deepFreeze(deadLetterSchema);

/**
 * The AsyncAPI 3.1 document, bundled: `libs/contracts/asyncapi.json` with the schemas it references (payloads and
 * the shared definitions they use) moved into `components.schemas`, so it has no external `$ref` (what
 * `GET /asyncapi.json` serves).
 */
export const asyncApiDocument: object = deepFreeze(
  bundleAsyncApi(asyncApi, {
    'customer.defs.schema.json': customerDefs,
    'command.defs.schema.json': commandDefs,
    'customerflow.customer.registered.v1.schema.json': registeredSchema,
    'customerflow.customer.updated.v1.schema.json': updatedSchema,
    'customerflow.customer.deactivated.v1.schema.json': deactivatedSchema,
    'customerflow.customer.reactivated.v1.schema.json': reactivatedSchema,
    'customerflow.customer.erased.v1.schema.json': erasedSchema,
    'customerflow.customer.register.v1.schema.json': registerSchema,
    'customerflow.customer.update.v1.schema.json': updateSchema,
    'customerflow.customer.deactivate.v1.schema.json': deactivateSchema,
    'customerflow.customer.reactivate.v1.schema.json': reactivateSchema,
    'customerflow.customer.erase.v1.schema.json': eraseSchema,
    'customerflow.command.dead-letter.schema.json': deadLetterSchema,
  }),
);
