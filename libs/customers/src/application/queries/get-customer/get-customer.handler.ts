import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReadDatabase } from '@customerflow/platform';
import { CustomerErased, CustomerNotFound, isCustomerId } from '../../../domain';
import {
  CUSTOMER_WITH_ADDRESSES_SQL,
  type CustomerWithAddressRow,
  joinedAddresses,
  toCustomerView,
} from '../customer-rows';
import type { CustomerView } from '../customer.view';
import { GetCustomerQuery } from './get-customer.query';

@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery> {
  constructor(private readonly db: ReadDatabase) {}

  async execute({ customerId }: GetCustomerQuery): Promise<CustomerView> {
    if (!isCustomerId(customerId)) throw new CustomerNotFound(customerId);
    const rows = await this.db.query<CustomerWithAddressRow>(CUSTOMER_WITH_ADDRESSES_SQL, [customerId]);
    if (rows.length === 0) throw new CustomerNotFound(customerId);
    if (rows[0].status === 'erased') throw new CustomerErased(customerId);
    return toCustomerView(rows[0], joinedAddresses(rows));
  }
}
