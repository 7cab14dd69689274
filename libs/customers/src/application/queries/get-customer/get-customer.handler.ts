import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReadDatabase } from '@customerflow/platform';
import { CustomerErased, CustomerNotFound, isCustomerId } from '../../../domain';
import { CustomerTables } from '../customer-tables';
import type { CustomerView } from '../customer.view';
import { GetCustomerQuery } from './get-customer.query';

@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery> {
  constructor(
    private readonly db: ReadDatabase,
    private readonly tables: CustomerTables,
  ) {}

  async execute({ customerId }: GetCustomerQuery): Promise<CustomerView> {
    if (!isCustomerId(customerId)) throw new CustomerNotFound(customerId);
    const statement = this.tables.byId(customerId);
    const rows = await this.db.query<Record<string, unknown>>(statement.sql, statement.parameters);
    if (rows.length === 0) throw new CustomerNotFound(customerId);
    let addresses: Record<string, unknown>[] = [];
    if (!this.tables.joinsAddresses) {
      const of = this.tables.addressesOf([customerId]);
      addresses = await this.db.query<Record<string, unknown>>(of.sql, of.parameters);
    }
    const customer = this.tables.stored(rows, addresses)!;
    if (customer.status === 'erased') throw new CustomerErased(customerId);
    return customer.view;
  }
}
