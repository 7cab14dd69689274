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
import deactivatedV2Schema from './schemas/customerflow.customer.deactivated.v2.schema.json';
import erasedV2Schema from './schemas/customerflow.customer.erased.v2.schema.json';
import reactivatedV2Schema from './schemas/customerflow.customer.reactivated.v2.schema.json';
import registeredV2Schema from './schemas/customerflow.customer.registered.v2.schema.json';
import updatedV2Schema from './schemas/customerflow.customer.updated.v2.schema.json';

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
 * The same five events with a `sequence` that orders as a string: the version zero-padded to
 * {@link SEQUENCE_DIGITS} digits. Published next to the `.v1` types during their deprecation period, on routing keys
 * of their own (`v2.customer.<fact>`), so a queue bound to `customer.#` keeps receiving exactly the `.v1` events.
 */
export const CustomerEventTypeV2 = {
  registered: 'customerflow.customer.registered.v2',
  updated: 'customerflow.customer.updated.v2',
  deactivated: 'customerflow.customer.deactivated.v2',
  reactivated: 'customerflow.customer.reactivated.v2',
  erased: 'customerflow.customer.erased.v2',
} as const;
export type CustomerEventTypeV2 = (typeof CustomerEventTypeV2)[keyof typeof CustomerEventTypeV2];

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
const EVENT_TYPE = /^customerflow\.([a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+)\.(v[1-9][0-9]*)$/;

/**
 * The routing key on the `customerflow.events` exchange: `customerflow.customer.registered.v1` →
 * `customer.registered`, and a later version leads with its version, `customerflow.customer.registered.v2` →
 * `v2.customer.registered`, so bindings made for one version (`customer.#`, `v2.customer.#`) never receive another.
 */
export function routingKeyOf(type: string): string {
  const match = EVENT_TYPE.exec(type);
  if (!match) {
    throw new Error(`Not a CustomerFlow event type: "${type}" (expected customerflow.<aggregate>.<fact>.v<n>)`);
  }
  const [, key, version] = match;
  return version === 'v1' ? key : `${version}.${key}`;
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

/** `.v2` changes the envelope's `sequence` only: each type carries the data of its `.v1`. */
export interface CustomerEventDataByTypeV2 {
  'customerflow.customer.registered.v2': CustomerRegisteredData;
  'customerflow.customer.updated.v2': CustomerUpdatedData;
  'customerflow.customer.deactivated.v2': CustomerStatusChangedData;
  'customerflow.customer.reactivated.v2': CustomerStatusChangedData;
  'customerflow.customer.erased.v2': CustomerErasedData;
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
  /**
   * The customer's version after the change, as a decimal string: orders one customer's events. `.v1`: plain
   * (`"10"`), compare it as a number; `.v2`: zero-padded to {@link SEQUENCE_DIGITS} digits, compare it as a string.
   */
  sequence: string;
  traceparent?: string;
  tracestate?: string;
  data: TData;
}

export type CustomerEvent = {
  [K in CustomerEventType]: CloudEventEnvelope<K, CustomerEventDataByType[K]>;
}[CustomerEventType];

export type CustomerEventV2 = {
  [K in CustomerEventTypeV2]: CloudEventEnvelope<K, CustomerEventDataByTypeV2[K]>;
}[CustomerEventTypeV2];

/**
 * Digits of a `.v2` `sequence`. Its width is part of the contract (a wider one would sort before a narrower one),
 * so it is chosen once for every version the service can reach: 20 digits hold any unsigned 64-bit integer, more
 * than a BIGINT column or a JavaScript number (exact to 2^53) can count to.
 */
export const SEQUENCE_DIGITS = 20;

/** A customer's version as a `.v2` `sequence`: `7` → `"00000000000000000007"`; throws if it is not 1 to 20 digits. */
export function paddedSequence(version: number | string): string {
  const digits = String(version);
  if (!/^[1-9][0-9]*$/.test(digits) || digits.length > SEQUENCE_DIGITS) {
    throw new Error(`Not a version a sequence can carry: ${JSON.stringify(version)}`);
  }
  return digits.padStart(SEQUENCE_DIGITS, '0');
}

const V2_OF: Readonly<Record<CustomerEventType, CustomerEventTypeV2>> = {
  [CustomerEventType.registered]: CustomerEventTypeV2.registered,
  [CustomerEventType.updated]: CustomerEventTypeV2.updated,
  [CustomerEventType.deactivated]: CustomerEventTypeV2.deactivated,
  [CustomerEventType.reactivated]: CustomerEventTypeV2.reactivated,
  [CustomerEventType.erased]: CustomerEventTypeV2.erased,
};

/** The `.v2` of a `.v1` event: the same event (id included: it is one change), with the padded `sequence`. */
export function toCustomerEventV2(event: CustomerEvent): CustomerEventV2 {
  return { ...event, type: V2_OF[event.type], sequence: paddedSequence(event.sequence) } as CustomerEventV2;
}

/** The versions of the customer events the service can publish (`EVENTS_PUBLISHED`). */
export const CUSTOMER_EVENT_VERSIONS = ['v1', 'v2'] as const;
export type CustomerEventVersion = (typeof CUSTOMER_EVENT_VERSIONS)[number];

/** One message a stored event is published as. */
export interface EventPublication {
  readonly type: string;
  readonly payload: string;
}

/**
 * What the service's relay publishes for a stored event. The outbox stores every customer event as its `.v1` body;
 * each one goes out once per version in `versions`, in that order, the `.v2` derived from the `.v1` body as it is at
 * publish time (an erased customer's scrubbed body included). A type that is not a `.v1` customer event goes out
 * as it is. A `.v1` body the `.v2` cannot be derived from throws, which fails that row rather than skip its `.v2`.
 */
export function customerEventPublications(
  versions: readonly CustomerEventVersion[],
): (type: string, payload: string) => EventPublication[] {
  // With none, every row would count as published with nothing sent.
  if (versions.length === 0) throw new Error('customerEventPublications needs at least one version to publish');
  return (type, payload) => {
    if (!Object.hasOwn(V2_OF, type)) return [{ type, payload }];
    return versions.map((version) => {
      if (version === 'v1') return { type, payload };
      const v2 = toCustomerEventV2(JSON.parse(payload) as CustomerEvent);
      return { type: v2.type, payload: JSON.stringify(v2) };
    });
  };
}

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

/** The JSON Schema (draft 2020-12) of each `.v2` event type; like the `.v1` ones, they need {@link customerDefsSchema}. */
export const customerEventSchemasV2: Readonly<Record<CustomerEventTypeV2, object>> = deepFreeze({
  [CustomerEventTypeV2.registered]: registeredV2Schema,
  [CustomerEventTypeV2.updated]: updatedV2Schema,
  [CustomerEventTypeV2.deactivated]: deactivatedV2Schema,
  [CustomerEventTypeV2.reactivated]: reactivatedV2Schema,
  [CustomerEventTypeV2.erased]: erasedV2Schema,
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
    'customerflow.customer.registered.v2.schema.json': registeredV2Schema,
    'customerflow.customer.updated.v2.schema.json': updatedV2Schema,
    'customerflow.customer.deactivated.v2.schema.json': deactivatedV2Schema,
    'customerflow.customer.reactivated.v2.schema.json': reactivatedV2Schema,
    'customerflow.customer.erased.v2.schema.json': erasedV2Schema,
    'customerflow.customer.register.v1.schema.json': registerSchema,
    'customerflow.customer.update.v1.schema.json': updateSchema,
    'customerflow.customer.deactivate.v1.schema.json': deactivateSchema,
    'customerflow.customer.reactivate.v1.schema.json': reactivateSchema,
    'customerflow.customer.erase.v1.schema.json': eraseSchema,
    'customerflow.command.dead-letter.schema.json': deadLetterSchema,
  }),
);
