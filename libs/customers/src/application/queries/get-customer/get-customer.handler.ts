import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { ReadDatabase } from '@customerflow/platform';
import { CustomerErased, CustomerNotFound } from '../../../domain';
import { ADDRESS_COLUMNS, type AddressRow, CUSTOMER_COLUMNS, type CustomerRow, toCustomerView } from '../customer-rows';
import type { CustomerView } from '../customer.view';
import { GetCustomerQuery } from './get-customer.query';

const ID_PATTERN = /^[1-9]\d{0,18}$/;

@QueryHandler(GetCustomerQuery)
export class GetCustomerHandler implements IQueryHandler<GetCustomerQuery> {
  constructor(private readonly db: ReadDatabase) {}

  async execute({ customerId }: GetCustomerQuery): Promise<CustomerView> {
    if (!ID_PATTERN.test(customerId)) throw new CustomerNotFound(customerId);
    const [row] = await this.db.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE c.id = ?`, [customerId]);
    if (!row) throw new CustomerNotFound(customerId);
    if (row.status === 'erased') throw new CustomerErased(customerId);
    const addresses = await this.db.query<AddressRow>(
      `SELECT ${ADDRESS_COLUMNS} FROM customer_addresses a WHERE a.customer_id = ? ORDER BY a.position`,
      [customerId],
    );
    return toCustomerView(row, addresses);
  }
}
