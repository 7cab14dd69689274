import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@customerflow/platform';
import { Clock, CustomerRepository } from '../../../domain';
import { loadForChange } from '../load-for-change';
import { EraseCustomerCommand } from './erase-customer.command';

@CommandHandler(EraseCustomerCommand)
export class EraseCustomerHandler implements ICommandHandler<EraseCustomerCommand> {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute({ customerId, expectedTag }: EraseCustomerCommand): Promise<void> {
    return this.unitOfWork.run(async () => {
      const customer = await loadForChange(this.customers, customerId, expectedTag);
      customer.erase(this.clock);
      await this.customers.save(customer);
    });
  }
}
