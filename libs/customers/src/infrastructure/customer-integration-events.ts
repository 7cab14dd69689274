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
  const envelope: CloudEventEnvelope = {
    specversion: '1.0',
    id: randomUUID(),
    source: CLOUDEVENTS_SOURCE,
    type: CustomerEventType[event.kind],
    subject: customerId,
    time: event.occurredAt.toISOString(),
    datacontenttype: 'application/json',
    sequence: String(event.version),
    ...(trace.traceparent ? { traceparent: trace.traceparent } : {}),
    ...(trace.tracestate ? { tracestate: trace.tracestate } : {}),
    data: dataOf(event, customerId),
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

function dataOf(event: CustomerDomainEvent, id: string): unknown {
  const at = event.occurredAt.toISOString();
  if (event instanceof CustomerRegistered) return toRepresentation({ ...event.customer, id });
  if (event instanceof CustomerUpdated) {
    const changes = {
      ...event.changes,
      ...(event.changes.addresses ? { addresses: event.changes.addresses.map((a) => ({ ...a })) } : {}),
    };
    return { id, version: event.version, updatedAt: at, changes };
  }
  switch (event.kind) {
    case 'deactivated':
      return { id, version: event.version, status: 'inactive', updatedAt: at };
    case 'reactivated':
      return { id, version: event.version, status: 'active', updatedAt: at };
    case 'erased':
      return { id, version: event.version, erasedAt: at };
    default:
      throw new Error(`no integration event for ${event.kind}`);
  }
}
