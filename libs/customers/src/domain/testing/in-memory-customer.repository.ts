/**
 * A CustomerRepository that keeps customers in a Map, so a use case can be tested without a database. It keeps the
 * promises of the port that handlers rely on: `findById` hands back a fresh aggregate (changes are not visible
 * until saved), `save` checks the loaded version (StaleCustomerVersion) and the unique email and document
 * (EmailAlreadyTaken, DocumentAlreadyTaken), and what the TypeORM adapter appends to the outbox is kept in `saved`.
 */
import { Customer, type CustomerId, type CustomerSnapshot } from '../customer';
import type { CustomerDomainEvent } from '../customer-events';
import { CustomerRepository } from '../customer.repository';
import { DocumentAlreadyTaken, EmailAlreadyTaken, StaleCustomerVersion } from '../domain-errors';

export interface InMemoryCustomerRepositoryOptions {
  /** `hilo` (the default) hands out ids before the insert; `auto-increment` assigns them in `save`. */
  readonly ids?: 'hilo' | 'auto-increment';
}

export class InMemoryCustomerRepository extends CustomerRepository {
  /** Every domain event saved, oldest first: what the real adapter would have appended to the outbox. */
  readonly saved: CustomerDomainEvent[] = [];
  private readonly rows = new Map<CustomerId, CustomerSnapshot>();
  private lastId = 0;

  constructor(private readonly options: InMemoryCustomerRepositoryOptions = {}) {
    super();
  }

  /** Stores customers as if they had been saved earlier; their pending events are dropped, not recorded. */
  static with(...customers: Customer[]): InMemoryCustomerRepository {
    const repository = new InMemoryCustomerRepository();
    for (const customer of customers) repository.put(customer.snapshot());
    return repository;
  }

  nextId(): Promise<CustomerId | null> {
    return Promise.resolve(this.options.ids === 'auto-increment' ? null : this.newId());
  }

  findById(id: CustomerId): Promise<Customer | null> {
    const row = this.rows.get(id);
    return Promise.resolve(row ? Customer.restore(row) : null);
  }

  save(customer: Customer): Promise<void> {
    // An error thrown in the executor rejects the promise, as the real adapter's would.
    return new Promise((resolve) => {
      this.write(customer);
      resolve();
    });
  }

  /** The stored state of a customer, as the rows would hold it; undefined if there is none. */
  stored(id: CustomerId): CustomerSnapshot | undefined {
    return this.rows.get(id);
  }

  private write(customer: Customer): void {
    const snapshot = customer.snapshot();
    const id = snapshot.id;
    if (customer.persistedVersion !== null) {
      const current = this.rows.get(id!);
      if (!current || current.version !== customer.persistedVersion)
        throw new StaleCustomerVersion(
          id!,
          String(customer.persistedVersion),
          current ? String(current.version) : null,
        );
    }
    this.ensureUnique(snapshot);
    const events = customer.pullDomainEvents();
    if (id === null) customer.assignId(this.newId());
    if (customer.persistedVersion === null || events.length > 0) this.put(customer.snapshot());
    this.saved.push(...events);
  }

  private ensureUnique(snapshot: CustomerSnapshot): void {
    for (const other of this.rows.values()) {
      if (other.id === snapshot.id) continue;
      if (snapshot.email !== null && other.email === snapshot.email) throw new EmailAlreadyTaken(snapshot.email);
      if (
        snapshot.document !== null &&
        other.document?.type === snapshot.document.type &&
        other.document.number === snapshot.document.number
      )
        throw new DocumentAlreadyTaken();
    }
  }

  private put(snapshot: CustomerSnapshot): void {
    this.rows.set(snapshot.id!, snapshot);
    if (/^\d+$/.test(snapshot.id!)) this.lastId = Math.max(this.lastId, Number(snapshot.id));
  }

  private newId(): CustomerId {
    return String(++this.lastId);
  }
}
