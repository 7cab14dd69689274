import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CustomerRepresentation } from '@customerflow/contracts';
import { UnitOfWork } from '@customerflow/platform';
import { Clock, CustomerRepository } from '../../../domain';
import { loadForChange } from '../load-for-change';
import { toRepresentation } from '../../customer-representation';
import { ReactivateCustomerCommand } from './reactivate-customer.command';

@CommandHandler(ReactivateCustomerCommand)
export class ReactivateCustomerHandler implements ICommandHandler<ReactivateCustomerCommand> {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute({ customerId, expectedTag }: ReactivateCustomerCommand): Promise<CustomerRepresentation> {
    return this.unitOfWork.run(async () => {
      const customer = await loadForChange(this.customers, customerId, expectedTag);
      customer.reactivate(this.clock);
      await this.customers.save(customer);
      return toRepresentation(customer.snapshot());
    });
  }
}
