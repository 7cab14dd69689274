/**
 * Domain events → integration events (libs/contracts): the CloudEvents envelope of docs/contracts.md, ready for the
 * outbox. The W3C trace context of the request that made the change travels in the envelope and the AMQP headers,
 * so a subscriber's span joins the same trace.
 */
import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import {
  CLOUDEVENTS_SOURCE,
  CUSTOMER_AGGREGATE_TYPE,
  type CloudEventEnvelope,
  type CustomerEvent,
  type CustomerEventDataByType,
  type CustomerRegisteredData,
  type CustomerRepresentation,
  CustomerEventType,
} from '@customerflow/contracts';
import type { OutboxRecord } from '@customerflow/outbox';
import { toRepresentation } from '../application/customer-representation';
import { type Customer, type CustomerDomainEvent, CustomerRegistered, CustomerUpdated } from '../domain';

export function toOutboxRecord(event: CustomerDomainEvent, customer: Customer): OutboxRecord {
  const customerId = event.customerId ?? customer.id;
  if (customerId === null) throw new Error('a customer event needs the customer id');
  const trace: Record<string, string> = {};
  propagation.inject(context.active(), trace);
  const envelope: CustomerEvent = {
    specversion: '1.0',
    id: randomUUID(),
    source: CLOUDEVENTS_SOURCE,
    subject: customerId,
    time: event.occurredAt.toISOString(),
    datacontenttype: 'application/json',
    sequence: String(event.version),
    ...(trace.traceparent ? { traceparent: trace.traceparent } : {}),
    ...(trace.tracestate ? { tracestate: trace.tracestate } : {}),
    ...typeAndDataOf(event, customerId),
  };
  return {
    id: envelope.id,
    aggregateType: CUSTOMER_AGGREGATE_TYPE,
    aggregateId: customerId,
    type: envelope.type,
    payload: JSON.stringify(envelope),
    headers: trace,
    occurredAt: event.occurredAt,
  };
}

/** An event type with the data the contract gives it, so the compiler checks each payload against its type. */
type TypeAndData = {
  [K in CustomerEventType]: { readonly type: K; readonly data: CustomerEventDataByType[K] };
}[CustomerEventType];

function typeAndDataOf(event: CustomerDomainEvent, id: string): TypeAndData {
  const at = event.occurredAt.toISOString();
  if (event instanceof CustomerRegistered)
    return { type: CustomerEventType.registered, data: registeredData(toRepresentation({ ...event.customer, id })) };
  if (event instanceof CustomerUpdated) {
    const { addresses, ...rest } = event.changes;
    const changes = { ...rest, ...(addresses ? { addresses: addresses.map((a) => ({ ...a })) } : {}) };
    return { type: CustomerEventType.updated, data: { id, version: event.version, updatedAt: at, changes } };
  }
  switch (event.kind) {
    case 'deactivated':
      return {
        type: CustomerEventType.deactivated,
        data: { id, version: event.version, status: 'inactive', updatedAt: at },
      };
    case 'reactivated':
      return {
        type: CustomerEventType.reactivated,
        data: { id, version: event.version, status: 'active', updatedAt: at },
      };
    case 'erased':
      return { type: CustomerEventType.erased, data: { id, version: event.version, erasedAt: at } };
    default:
      throw new Error(`no integration event for ${event.kind}`);
  }
}

/** Customer.register requires an email: only a legacy row may lack one, and the service never registers those. */
function registeredData(customer: CustomerRepresentation): CustomerRegisteredData {
  if (customer.email === null) throw new Error('a registered customer needs an email');
  return { ...customer, email: customer.email };
}

/**
 * What an event of an erased customer keeps: its envelope (id, type, subject, sequence, time) and the shape its
 * schema requires, with every personal value replaced by a placeholder that holds nothing about the person:
 * name `(erased)`, email `erased@erased.invalid`, phone, document and birth date null, no addresses. A subscriber
 * validating against the published schemas still accepts it, and orders it by `sequence` before `customer.erased`.
 */
export const ERASED_NAME = '(erased)';
export const ERASED_EMAIL = 'erased@erased.invalid';

export const ERASED_PLACEHOLDERS: Readonly<Record<string, string | null | readonly never[]>> = {
  name: ERASED_NAME,
  email: ERASED_EMAIL,
  phone: null,
  document: null,
  birthDate: null,
  addresses: [],
};

export function scrubCustomerEventPayload(_type: string, payload: string): string {
  let envelope: CloudEventEnvelope;
  try {
    envelope = JSON.parse(payload) as CloudEventEnvelope;
  } catch {
    return '{}'; // not ours to interpret, and possibly personal: keep nothing
  }
  const data = envelope.data as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object') return payload;
  const target = (data.changes && typeof data.changes === 'object' ? data.changes : data) as Record<string, unknown>;
  let changed = false;
  for (const [field, placeholder] of Object.entries(ERASED_PLACEHOLDERS)) {
    if (field in target && JSON.stringify(target[field]) !== JSON.stringify(placeholder)) {
      target[field] = placeholder;
      changed = true;
    }
  }
  return changed ? JSON.stringify(envelope) : payload;
}
