/**
 * The Customer aggregate: decides whether a change to one customer is allowed, applies it, and records what happened
 * as domain events. What needs more than the customer in hand is decided around it: the handlers refuse an erased
 * customer before changing it (load-for-change.ts), the repository a taken email or document and a version that
 * changed meanwhile. It holds value objects inside and speaks primitives at its edges (CustomerInput in,
 * CustomerSnapshot out), so handlers and the repository never build value objects themselves.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Clock } from './clock';
import {
  type CustomerChanges,
  CustomerDeactivated,
  CustomerDomainEvent,
  CustomerReactivated,
  CustomerRegistered,
  CustomerUpdated,
  CustomerWasErased,
} from './customer-events';
import {
  CustomerAlreadyActive,
  CustomerAlreadyInactive,
  CustomerErased,
  InvalidCustomerData,
  StaleCustomerVersion,
  type Violation,
} from './domain-errors';
import { Address, type AddressProps, InvalidAddress } from './value-objects/address';
import { BirthDate } from './value-objects/birth-date';
import { Document, type DocumentType, InvalidDocument } from './value-objects/document';
import { Email } from './value-objects/email';
import { InvalidValue } from './value-objects/invalid-value';
import { PersonName } from './value-objects/person-name';
import { Phone } from './value-objects/phone';

/** A decimal string, so clients never depend on the id being a number and the id strategy may change. */
export type CustomerId = string;

/** The largest id both databases store: SQLite's INTEGER and MySQL's signed BIGINT stop at 2^63-1. */
const MAX_CUSTOMER_ID = '9223372036854775807';

/**
 * Whether `text` can be a customer id at all: a decimal without leading zeros, at most 2^63-1. Anything else names
 * no customer (a 404), and a cursor carrying it is malformed (a 400), instead of overflowing in the driver (a 500).
 */
export function isCustomerId(text: string): boolean {
  if (!/^[1-9]\d{0,18}$/.test(text)) return false;
  return text.length < MAX_CUSTOMER_ID.length || text <= MAX_CUSTOMER_ID;
}

export type CustomerStatus = 'active' | 'inactive' | 'erased';

export const MAX_ADDRESSES = 5;

/** The writable fields, as plain primitives: what a request carries. */
export interface CustomerInput {
  readonly name: string;
  readonly email: string;
  readonly phone?: string | null;
  readonly document?: { readonly type: string; readonly number: string } | null;
  readonly birthDate?: string | null;
  readonly addresses?: readonly AddressProps[];
}

/** Everything persisted: what the repository maps to rows and back. */
export interface CustomerSnapshot {
  readonly id: CustomerId | null;
  readonly name: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly document: { readonly type: DocumentType; readonly number: string } | null;
  readonly birthDate: string | null;
  readonly addresses: readonly AddressProps[];
  readonly status: CustomerStatus;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly erasedAt: Date | null;
  /**
   * What the stored rows looked like when read, as an opaque token, where the version alone cannot tell a change:
   * over a legacy schema, other writers change rows without bumping any version. Absent: the version says it all.
   */
  readonly revision?: string;
}

/**
 * The personal data of a customer; erasure throws all of it away at once. `email` is null only for a record
 * written by a legacy application that never required one (see the schema map): CustomerFlow never writes null.
 */
interface PersonalData {
  readonly name: PersonName;
  readonly email: Email | null;
  readonly phone: Phone | null;
  readonly document: Document | null;
  readonly birthDate: BirthDate | null;
  readonly addresses: readonly Address[];
}

interface State {
  readonly id: CustomerId | null;
  readonly personal: PersonalData | null; // null once erased
  readonly status: CustomerStatus;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly erasedAt: Date | null;
  readonly revision: string | null;
}

export class Customer {
  private events: CustomerDomainEvent[] = [];

  private constructor(
    private state: State,
    private readonly loadedVersion: number | null,
  ) {}

  /** A new, active customer at version 1. Every invalid field is reported in one InvalidCustomerData. */
  static register(input: CustomerInput, clock: Clock, id?: CustomerId | null): Customer {
    const now = clock.now();
    const personal = parsePersonalData(input, now);
    const customer = new Customer(
      {
        id: id ?? null,
        personal,
        status: 'active',
        version: 1,
        createdAt: now,
        updatedAt: now,
        erasedAt: null,
        revision: null,
      },
      null,
    );
    customer.record(new CustomerRegistered(customer.id, 1, now, customer.snapshot()));
    return customer;
  }

  /**
   * Rehydrates a stored customer. Nothing is validated: the data was valid when written, and a customer must still
   * load (and be erasable) after a rule tightens.
   */
  static restore(snapshot: CustomerSnapshot): Customer {
    const personal = snapshot.status === 'erased' ? null : restorePersonalData(snapshot);
    return new Customer(
      {
        id: snapshot.id,
        personal,
        status: snapshot.status,
        version: snapshot.version,
        createdAt: new Date(snapshot.createdAt.getTime()),
        updatedAt: new Date(snapshot.updatedAt.getTime()),
        erasedAt: snapshot.erasedAt === null ? null : new Date(snapshot.erasedAt.getTime()),
        revision: snapshot.revision ?? null,
      },
      snapshot.version,
    );
  }

  get id(): CustomerId | null {
    return this.state.id;
  }

  get version(): number {
    return this.state.version;
  }

  get status(): CustomerStatus {
    return this.state.status;
  }

  /** The version as loaded, null for a customer never saved; the repository's UPDATE matches on it. */
  get persistedVersion(): number | null {
    return this.loadedVersion;
  }

  /** For auto-increment ids, which exist only after the insert. An id, once there, never changes. */
  assignId(id: CustomerId): void {
    if (this.state.id !== null) throw new Error(`Customer ${this.state.id} already has an id; it cannot become ${id}`);
    if (typeof id !== 'string' || id === '') throw new Error('A customer id must be a non-empty string');
    this.state = { ...this.state, id };
  }

  /** The current writable fields as a CustomerInput, for applying a JSON merge patch before update(). */
  writableFields(): CustomerInput {
    const personal = this.personalData();
    return {
      name: personal.name.value,
      email: personal.email?.value as string, // null only for a legacy record; update() keeps it if unchanged
      phone: personal.phone?.value ?? null,
      document: personal.document && { type: personal.document.type, number: personal.document.number },
      birthDate: personal.birthDate?.value ?? null,
      addresses: personal.addresses.map((a) => a.toProps()),
    };
  }

  /**
   * Replaces all writable fields. Only fields whose normalised value differs count as changed; when none does,
   * nothing happens at all (no event, same version), so a repeated PATCH is harmless.
   *
   * Only the fields that differ from the stored ones are validated: a record written under older or looser rules
   * (a legacy CPF with wrong check digits, a phone that is not E.164) must not block an unrelated change, such as
   * a rename. The stored value stays as it was until a request changes it, and then the new value must be valid.
   */
  update(input: CustomerInput, clock: Clock): void {
    const before = this.personalData();
    const now = clock.now();
    const after = parsePersonalData(input, now, before);
    const changes = changesBetween(before, after);
    if (changes === null) return;
    this.change(now, { personal: after });
    this.record(new CustomerUpdated(this.id, this.version, now, changes));
  }

  deactivate(clock: Clock): void {
    this.ensureNotErased();
    if (this.state.status === 'inactive') throw new CustomerAlreadyInactive(this.label);
    const now = clock.now();
    this.change(now, { status: 'inactive' });
    this.record(new CustomerDeactivated(this.id, this.version, now));
  }

  reactivate(clock: Clock): void {
    this.ensureNotErased();
    if (this.state.status === 'active') throw new CustomerAlreadyActive(this.label);
    const now = clock.now();
    this.change(now, { status: 'active' });
    this.record(new CustomerReactivated(this.id, this.version, now));
  }

  /**
   * Erasure on request (LGPD/GDPR): the personal data goes, the row stays so the id, history and version remain
   * meaningful to subscribers. Erasing frees the email and document for a future registration.
   */
  erase(clock: Clock): void {
    this.ensureNotErased();
    const now = clock.now();
    this.change(now, { personal: null, status: 'erased', erasedAt: now });
    this.record(new CustomerWasErased(this.id, this.version, now));
  }

  /**
   * What an ETag names: the revision of the stored rows where there is one, else the version. It changes with every
   * change of the customer, by this service or (with a revision) by any other writer.
   */
  get entityTag(): string {
    return this.state.revision ?? String(this.state.version);
  }

  /** The repository, after writing the rows: their new revision (see CustomerSnapshot.revision). */
  storedAs(revision: string | null): void {
    this.state = { ...this.state, revision };
  }

  /**
   * Optimistic concurrency at the door: the client's If-Match against the loaded entity tag. A bare version (what a
   * command message carries) is compared with the version alone; over a legacy schema the repository's UPDATE still
   * checks the rows as loaded.
   */
  ensureEntityTag(expected: string): void {
    const bareVersion = !expected.includes('.') && expected === String(this.state.version);
    if (expected !== this.entityTag && !bareVersion)
      throw new StaleCustomerVersion(this.label, expected, this.entityTag);
  }

  snapshot(): CustomerSnapshot {
    const { id, personal, status, version, createdAt, updatedAt, erasedAt, revision } = this.state;
    return {
      id,
      name: personal?.name.value ?? '',
      email: personal?.email?.value ?? null,
      phone: personal?.phone?.value ?? null,
      document: documentProps(personal?.document ?? null),
      birthDate: personal?.birthDate?.value ?? null,
      addresses: personal?.addresses.map((a) => a.toProps()) ?? [],
      status,
      version,
      createdAt: new Date(createdAt.getTime()),
      updatedAt: new Date(updatedAt.getTime()),
      erasedAt: erasedAt === null ? null : new Date(erasedAt.getTime()),
      ...(revision === null ? {} : { revision }),
    };
  }

  /** The events recorded since the last pull, oldest first; pulling clears them so they are published once. */
  pullDomainEvents(): CustomerDomainEvent[] {
    const events = this.events;
    this.events = [];
    return events;
  }

  private record(event: CustomerDomainEvent): void {
    this.events.push(event);
  }

  /** Every change bumps the version and updatedAt together: the version is what ETags and event order rely on. */
  private change(now: Date, patch: Partial<Pick<State, 'personal' | 'status' | 'erasedAt'>>): void {
    // The revision named the rows as read; the repository stamps the new one once they are written.
    this.state = { ...this.state, ...patch, version: this.state.version + 1, updatedAt: now, revision: null };
  }

  private personalData(): PersonalData {
    this.ensureNotErased();
    return this.state.personal!;
  }

  private ensureNotErased(): void {
    if (this.state.status === 'erased') throw new CustomerErased(this.label);
  }

  /** The id for error messages; a customer not yet saved under auto-increment ids has none. */
  private get label(): string {
    return this.state.id ?? '(unsaved)';
  }
}

/**
 * Builds the personal data from a request, collecting every violation before throwing, with JSON pointers. With
 * `current`, a field given exactly as stored is kept as stored, unvalidated (see Customer.update).
 */
function parsePersonalData(input: CustomerInput, today: Date, current?: PersonalData): PersonalData {
  const violations: Violation[] = [];
  const at = <T>(pointer: string, parse: () => T): T | null => {
    try {
      return parse();
    } catch (error) {
      if (error instanceof InvalidAddress) {
        for (const p of error.problems) violations.push({ pointer: `${pointer}/${p.field}`, detail: p.detail });
      } else if (error instanceof InvalidDocument) {
        violations.push({ pointer: `${pointer}/${error.field}`, detail: error.detail });
      } else if (error instanceof InvalidValue) {
        violations.push({ pointer, detail: error.detail });
      } else {
        throw error;
      }
      return null;
    }
  };
  const given: Partial<CustomerInput> = input ?? {};
  const kept = current ? unchangedFields(given, current) : null;
  const name = kept?.name ?? at('/name', () => PersonName.of(given.name as string));
  const email = kept?.email !== undefined ? kept.email : at('/email', () => Email.of(given.email as string));
  const phone =
    kept?.phone !== undefined ? kept.phone : given.phone == null ? null : at('/phone', () => Phone.of(given.phone!));
  const document =
    kept?.document !== undefined
      ? kept.document
      : given.document == null
        ? null
        : at('/document', () => documentOf(given.document!));
  const birthDate =
    kept?.birthDate !== undefined
      ? kept.birthDate
      : given.birthDate == null
        ? null
        : at('/birthDate', () => BirthDate.of(given.birthDate!, today));
  const addressList = at('/addresses', () => addressListOf(given.addresses)) ?? [];
  if (addressList.length > MAX_ADDRESSES) {
    violations.push({
      pointer: '/addresses',
      detail: `A customer may have at most ${MAX_ADDRESSES} addresses, got ${addressList.length}`,
    });
  }
  // Each address is checked even when there are too many, so one round trip reports every mistake.
  const addresses = addressList.map((raw, i) => kept?.addresses[i] ?? at(`/addresses/${i}`, () => addressOf(raw)));
  if (violations.length > 0) throw new InvalidCustomerData(violations);
  return { name: name!, email, phone, document, birthDate, addresses: addresses as Address[] };
}

/**
 * The stored value objects of the fields the input gives exactly as stored (undefined where it differs): those are
 * kept without validation. An address is kept when the one at the same position is given unchanged.
 */
function unchangedFields(given: Partial<CustomerInput>, current: PersonalData) {
  const same = <T>(stored: T | null, raw: unknown, valueOf: (stored: T) => unknown): T | null | undefined => {
    const storedRaw = stored === null ? null : valueOf(stored);
    return isDeepStrictEqual(storedRaw, raw ?? null) ? stored : undefined;
  };
  const addresses = Array.isArray(given.addresses) ? given.addresses : [];
  return {
    name: given.name === current.name.value ? current.name : undefined,
    email: same(current.email, given.email, (e) => e.value),
    phone: same(current.phone, given.phone, (p) => p.value),
    document: same(current.document, given.document, (d) => ({ type: d.type, number: d.number })),
    birthDate: same(current.birthDate, given.birthDate, (b) => b.value),
    addresses: addresses.map((raw, i) => {
      const stored = current.addresses[i];
      return stored && isDeepStrictEqual(stored.toProps(), raw) ? stored : undefined;
    }),
  };
}

function documentOf(raw: { readonly type: string; readonly number: string }): Document {
  if (typeof raw !== 'object') throw new InvalidValue('Document must be an object with a type and a number');
  return Document.of(raw.type, raw.number);
}

function addressListOf(raw: readonly AddressProps[] | null | undefined): readonly AddressProps[] {
  if (raw == null) return [];
  if (!Array.isArray(raw)) throw new InvalidValue('Addresses must be a list');
  return raw as readonly AddressProps[];
}

function addressOf(raw: AddressProps): Address {
  if (typeof raw !== 'object' || raw === null) throw new InvalidValue('An address must be an object');
  return Address.of(raw);
}

function restorePersonalData(snapshot: CustomerSnapshot): PersonalData {
  return {
    name: PersonName.restore(snapshot.name),
    email: snapshot.email === null ? null : Email.restore(snapshot.email),
    phone: snapshot.phone === null ? null : Phone.restore(snapshot.phone),
    document: snapshot.document === null ? null : Document.restore(snapshot.document.type, snapshot.document.number),
    birthDate: snapshot.birthDate === null ? null : BirthDate.restore(snapshot.birthDate),
    addresses: snapshot.addresses.map((a) => Address.restore(a)),
  };
}

/** The changed fields with their new values, or null when nothing changed. */
function changesBetween(before: PersonalData, after: PersonalData): CustomerChanges | null {
  const changes: { -readonly [K in keyof CustomerChanges]: CustomerChanges[K] } = {};
  if (!before.name.equals(after.name)) changes.name = after.name.value;
  if (!sameOptional(before.email, after.email)) changes.email = after.email!.value;
  if (!sameOptional(before.phone, after.phone)) changes.phone = after.phone?.value ?? null;
  if (!sameOptional(before.document, after.document)) changes.document = documentProps(after.document);
  if (!sameOptional(before.birthDate, after.birthDate)) changes.birthDate = after.birthDate?.value ?? null;
  if (!sameAddresses(before.addresses, after.addresses)) changes.addresses = after.addresses.map((a) => a.toProps());
  return Object.keys(changes).length === 0 ? null : changes;
}

function sameOptional<T extends { equals(other: T): boolean }>(a: T | null, b: T | null): boolean {
  return a === null || b === null ? a === b : a.equals(b);
}

/** Addresses are an ordered list (stored with their position), so the same addresses reordered are a change. */
function sameAddresses(a: readonly Address[], b: readonly Address[]): boolean {
  return a.length === b.length && a.every((address, i) => address.equals(b[i]));
}

function documentProps(document: Document | null): { type: DocumentType; number: string } | null {
  return document === null ? null : { type: document.type, number: document.number };
}
