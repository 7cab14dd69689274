/**
 * The port through which the application loads and saves customers. An abstract class rather than an interface so
 * it doubles as the DI token; the TypeORM adapter in infrastructure implements it.
 */
import type { Customer, CustomerId } from './customer';

export abstract class CustomerRepository {
  /** The id a new customer gets before insert (hilo), or null when the database assigns it on insert (auto-increment). */
  abstract nextId(): Promise<CustomerId | null>;

  /** Loads a customer in any status (erased included), or null. */
  abstract findById(id: CustomerId): Promise<Customer | null>;

  /**
   * Inserts a new customer or updates a loaded one, checking persistedVersion in the UPDATE itself
   * (StaleCustomerVersion when it moved); appends its pulled domain events to the outbox in the same transaction;
   * a unique-index clash becomes EmailAlreadyTaken / DocumentAlreadyTaken. Assigns the id to a new auto-increment
   * customer.
   */
  abstract save(customer: Customer): Promise<void>;
}
