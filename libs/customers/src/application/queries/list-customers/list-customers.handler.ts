import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReadDatabase } from '@customerflow/platform';
import { ADDRESS_COLUMNS, type AddressRow, type CustomerRow, toCustomerView } from '../customer-rows';
import type { CustomerView } from '../customer.view';
import { type CustomerSort, encodeCustomerCursor } from './customer-cursor';
import { type CustomerPageView, ListCustomersQuery } from './list-customers.query';
import { listCustomersSql } from './list-sql';

/** A page of customers in two statements, whatever its size: the page's rows, then all of their addresses at once. */
@QueryHandler(ListCustomersQuery)
export class ListCustomersHandler implements IQueryHandler<ListCustomersQuery> {
  constructor(private readonly db: ReadDatabase) {}

  async execute({ criteria }: ListCustomersQuery): Promise<CustomerPageView> {
    // One row more than the page tells whether another page follows, without a COUNT.
    const { sql, parameters } = listCustomersSql(criteria, criteria.limit + 1);
    const rows = await this.db.query<CustomerRow>(sql, parameters);
    const page = rows.slice(0, criteria.limit);
    const addresses = await this.addressesOf(page.map((row) => String(row.id)));
    const items = page.map((row) => toCustomerView(row, addresses.get(String(row.id)) ?? []));
    const last = items.at(-1);
    const nextCursor =
      rows.length > criteria.limit && last !== undefined
        ? encodeCustomerCursor({ sort: criteria.sort, value: sortKeyOf(last, criteria.sort), id: last.id })
        : null;
    return { items, nextCursor };
  }

  private async addressesOf(customerIds: readonly string[]): Promise<Map<string, AddressRow[]>> {
    const byCustomer = new Map<string, AddressRow[]>();
    if (customerIds.length === 0) return byCustomer;
    const rows = await this.db.query<AddressRow>(
      `SELECT ${ADDRESS_COLUMNS} FROM customer_addresses a WHERE a.customer_id IN (${customerIds.map(() => '?').join(', ')}) ORDER BY a.customer_id, a.position`,
      customerIds,
    );
    for (const row of rows) {
      const id = String(row.customer_id);
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
