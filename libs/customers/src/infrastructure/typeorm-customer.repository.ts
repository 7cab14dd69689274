/**
 * The Customer repository on TypeORM. Every call runs on the unit of work's EntityManager; `save` writes the
 * customer's rows, its events to the outbox and the in-transaction reactions, all in that one transaction.
 */
import { Injectable } from '@nestjs/common';
import { OutboxWriter } from '@customerflow/outbox';
import {
  IdGenerator,
  type IdSequence,
  insertRows,
  InTransactionEventBus,
  isUniqueViolation,
  UnitOfWork,
  violatedUniqueKey,
} from '@customerflow/platform';
import {
  Customer,
  type CustomerDomainEvent,
  type CustomerId,
  CustomerRepository,
  CustomerUpdated,
  DocumentAlreadyTaken,
  EmailAlreadyTaken,
  isCustomerId,
  StaleCustomerVersion,
} from '../domain';
import { CustomerAddressOrmEntity } from './customer-address.orm-entity';
import { toOutboxRecord } from './customer-integration-events';
import { toAddressRows, toRow, toSnapshot } from './customer.mapper';
import { CustomerOrmEntity } from './customer.orm-entity';

const CUSTOMER_IDS: IdSequence = { name: 'customers', table: 'customers', column: 'id' };

@Injectable()
export class TypeOrmCustomerRepository extends CustomerRepository {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly ids: IdGenerator,
    private readonly outbox: OutboxWriter,
    private readonly inTransactionEvents: InTransactionEventBus,
  ) {
    super();
  }

  nextId(): Promise<CustomerId | null> {
    return this.ids.nextId(CUSTOMER_IDS);
  }

  async findById(id: CustomerId): Promise<Customer | null> {
    if (!isCustomerId(id)) return null;
    const manager = this.unitOfWork.manager;
    const row = await manager.findOne(CustomerOrmEntity, { where: { id } });
    if (!row) return null;
    const addresses = await manager.find(CustomerAddressOrmEntity, { where: { customerId: id } });
    return Customer.restore(toSnapshot(row, addresses));
  }

  async save(customer: Customer): Promise<void> {
    const events = customer.pullDomainEvents();
    if (customer.persistedVersion === null) await this.insert(customer);
    else if (events.length > 0) await this.update(customer, events);
    await this.outbox.append(events.map((event) => toOutboxRecord(event, customer)));
    await this.inTransactionEvents.dispatch(events);
  }

  private async insert(customer: Customer): Promise<void> {
    const snapshot = customer.snapshot();
    const manager = this.unitOfWork.manager;
    try {
      const raw = await insertRows(manager, CustomerOrmEntity, [toRow(snapshot)]);
      if (snapshot.id === null) customer.assignId(String(insertedId(raw)));
    } catch (error) {
      throw this.translate(error, snapshot.email);
    }
    await this.insertAddresses(customer);
  }

  private async update(customer: Customer, events: readonly CustomerDomainEvent[]): Promise<void> {
    const snapshot = customer.snapshot();
    const { id, createdAt, ...changes } = toRow(snapshot);
    let affected: number | undefined;
    try {
      // The version check lives in the UPDATE itself: of two writers holding the same version, exactly one matches.
      affected = (
        await this.unitOfWork.manager
          .createQueryBuilder()
          .update(CustomerOrmEntity)
          .set(changes)
          .where('id = :id AND version = :version', { id, version: customer.persistedVersion })
          .execute()
      ).affected;
    } catch (error) {
      throw this.translate(error, snapshot.email);
    }
    if (affected !== 1) throw new StaleCustomerVersion(String(id), String(customer.persistedVersion), null);
    if (
      events.some((e) => e.kind === 'erased' || (e instanceof CustomerUpdated && e.changes.addresses !== undefined))
    ) {
      await this.unitOfWork.manager.delete(CustomerAddressOrmEntity, { customerId: id });
      await this.insertAddresses(customer);
    }
  }

  private async insertAddresses(customer: Customer): Promise<void> {
    const rows = toAddressRows(customer.id!, customer.snapshot().addresses);
    if (rows.length > 0) await insertRows(this.unitOfWork.manager, CustomerAddressOrmEntity, rows);
  }

  /** The unique index, not a pre-check, decides a clash, so two racing registrations cannot both win. */
  private translate(error: unknown, email: string | null): unknown {
    if (!isUniqueViolation(error)) return error;
    const key = violatedUniqueKey(error);
    if (/document/i.test(key)) return new DocumentAlreadyTaken();
    if (/email/i.test(key)) return new EmailAlreadyTaken(email ?? '');
    return error;
  }
}

/** The AUTO_INCREMENT id of the row just inserted: mysql2's `insertId`, or SQLite's last row id. */
function insertedId(raw: unknown): number | string {
  const id = typeof raw === 'object' && raw !== null ? (raw as { insertId?: number | string }).insertId : raw;
  if (typeof id !== 'number' && typeof id !== 'string')
    throw new Error('the driver returned no id for the new customer');
  return id;
}
