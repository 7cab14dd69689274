/**
 * What happened to a customer, recorded by the aggregate and pulled by the repository, which appends them to the
 * outbox in the same transaction as the change. They are facts about the domain, not the integration messages:
 * infrastructure maps them to the versioned contract events that subscribers see.
 */
import type { CustomerId, CustomerSnapshot } from './customer';
import type { AddressProps } from './value-objects/address';
import type { DocumentType } from './value-objects/document';

export type CustomerEventKind = 'registered' | 'updated' | 'deactivated' | 'reactivated' | 'erased';

export abstract class CustomerDomainEvent {
  abstract readonly kind: CustomerEventKind;

  /**
   * `customerId` is null only when a customer registers under auto-increment ids: the id exists after the insert,
   * and the repository fills it in when mapping. `version` is the customer's version after the change, so
   * subscribers can order and deduplicate per customer.
   */
  protected constructor(
    readonly customerId: CustomerId | null,
    readonly version: number,
    readonly occurredAt: Date,
  ) {}
}

export class CustomerRegistered extends CustomerDomainEvent {
  readonly kind = 'registered';

  constructor(
    customerId: CustomerId | null,
    version: number,
    occurredAt: Date,
    readonly customer: CustomerSnapshot,
  ) {
    super(customerId, version, occurredAt);
  }
}

/** The fields that changed, each with its new value; a field that did not change is absent. */
export interface CustomerChanges {
  readonly name?: string;
  readonly email?: string;
  readonly phone?: string | null;
  readonly document?: { type: DocumentType; number: string } | null;
  readonly birthDate?: string | null;
  readonly addresses?: readonly AddressProps[];
}

export class CustomerUpdated extends CustomerDomainEvent {
  readonly kind = 'updated';

  constructor(
    customerId: CustomerId | null,
    version: number,
    occurredAt: Date,
    readonly changes: CustomerChanges,
  ) {
    super(customerId, version, occurredAt);
  }
}

export class CustomerDeactivated extends CustomerDomainEvent {
  readonly kind = 'deactivated';

  constructor(customerId: CustomerId | null, version: number, occurredAt: Date) {
    super(customerId, version, occurredAt);
  }
}

export class CustomerReactivated extends CustomerDomainEvent {
  readonly kind = 'reactivated';

  constructor(customerId: CustomerId | null, version: number, occurredAt: Date) {
    super(customerId, version, occurredAt);
  }
}

/**
 * The customer's personal data was wiped. Named "Was" because `CustomerErased` is the error for acting on an
 * erased customer. It deliberately carries nothing but the id: it outlives the data it announces the end of.
 */
export class CustomerWasErased extends CustomerDomainEvent {
  readonly kind = 'erased';

  constructor(customerId: CustomerId | null, version: number, occurredAt: Date) {
    super(customerId, version, occurredAt);
  }
}
