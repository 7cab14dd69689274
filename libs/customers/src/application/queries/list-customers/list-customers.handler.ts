import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReadDatabase } from '@customerflow/platform';
import { CustomerTables } from '../customer-tables';
import type { CustomerView } from '../customer.view';
import { type CustomerSort, encodeCustomerCursor } from './customer-cursor';
import { type CustomerPageView, ListCustomersQuery } from './list-customers.query';
import { listCustomersSql } from './list-sql';

/** A page of customers in two statements, whatever its size: the page's rows, then all of their addresses at once. */
@QueryHandler(ListCustomersQuery)
export class ListCustomersHandler implements IQueryHandler<ListCustomersQuery> {
  constructor(
    private readonly db: ReadDatabase,
    private readonly tables: CustomerTables,
  ) {}

  async execute({ criteria }: ListCustomersQuery): Promise<CustomerPageView> {
    // One row more than the page tells whether another page follows, without a COUNT.
    const { sql, parameters } = listCustomersSql(criteria, criteria.limit + 1, this.tables);
    const rows = await this.db.query<Record<string, unknown>>(sql, parameters);
    const page = rows.slice(0, criteria.limit);
    const addresses = await this.addressesOf(page.map((row) => String(row.id)));
    const items = page.map((row) => this.tables.toView(row, addresses.get(String(row.id)) ?? []));
    const last = items.at(-1);
    const nextCursor =
      rows.length > criteria.limit && last !== undefined
        ? encodeCustomerCursor({ sort: criteria.sort, value: sortKeyOf(last, criteria.sort), id: last.id })
        : null;
    return { items, nextCursor };
  }

  private async addressesOf(customerIds: readonly string[]): Promise<Map<string, Record<string, unknown>[]>> {
    const byCustomer = new Map<string, Record<string, unknown>[]>();
    if (customerIds.length === 0) return byCustomer;
    const statement = this.tables.addressesOf(customerIds);
    const rows = await this.db.query<Record<string, unknown>>(statement.sql, statement.parameters);
    for (const row of rows) {
      const id = this.tables.customerIdOfAddress(row);
      const list = byCustomer.get(id);
      if (list) list.push(row);
      else byCustomer.set(id, [row]);
    }
    return byCustomer;
  }
}

function sortKeyOf(customer: CustomerView, sort: CustomerSort): string {
  return sort === 'name' || sort === '-name' ? customer.name : customer.createdAt;
}
