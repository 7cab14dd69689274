import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { UnitOfWork } from '@customerflow/platform';
import { Clock, CustomerNotFound, CustomerRepository } from '../../../domain';
import { EraseCustomerCommand } from './erase-customer.command';

@CommandHandler(EraseCustomerCommand)
export class EraseCustomerHandler implements ICommandHandler<EraseCustomerCommand> {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute({ customerId, expectedVersion }: EraseCustomerCommand): Promise<void> {
    return this.unitOfWork.run(async () => {
      const customer = await this.customers.findById(customerId);
      if (!customer) throw new CustomerNotFound(customerId);
      if (expectedVersion !== null) customer.ensureVersion(expectedVersion);
      customer.erase(this.clock);
      await this.customers.save(customer);
    });
  }
}
