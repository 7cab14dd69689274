import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReadDatabase } from '@customerflow/platform';
import { CustomerErased, CustomerNotFound } from '../../../domain';
import {
  CUSTOMER_WITH_ADDRESSES_SQL,
  type CustomerWithAddressRow,
  joinedAddresses,
  toCustomerView,
} from '../customer-rows';
import type { CustomerView } from '../customer.view';
import { GetCustomerQuery } from './get-customer.query';

const ID_PATTERN = /^[1-9]\d{0,18}$/;

@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery> {
  constructor(private readonly db: ReadDatabase) {}

  async execute({ customerId }: GetCustomerQuery): Promise<CustomerView> {
    if (!ID_PATTERN.test(customerId)) throw new CustomerNotFound(customerId);
    const rows = await this.db.query<CustomerWithAddressRow>(CUSTOMER_WITH_ADDRESSES_SQL, [customerId]);
    if (rows.length === 0) throw new CustomerNotFound(customerId);
    if (rows[0].status === 'erased') throw new CustomerErased(customerId);
    return toCustomerView(rows[0], joinedAddresses(rows));
  }
}
