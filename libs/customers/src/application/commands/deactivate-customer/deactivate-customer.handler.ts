import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CustomerRepresentation } from '@customerflow/contracts';
import { UnitOfWork } from '@customerflow/platform';
import { Clock, CustomerNotFound, CustomerRepository } from '../../../domain';
import { toRepresentation } from '../../customer-representation';
import { DeactivateCustomerCommand } from './deactivate-customer.command';

@CommandHandler(DeactivateCustomerCommand)
export class DeactivateCustomerHandler implements ICommandHandler<DeactivateCustomerCommand> {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute({ customerId, expectedVersion }: DeactivateCustomerCommand): Promise<CustomerRepresentation> {
    return this.unitOfWork.run(async () => {
      const customer = await this.customers.findById(customerId);
      if (!customer) throw new CustomerNotFound(customerId);
      if (expectedVersion !== null) customer.ensureVersion(expectedVersion);
      customer.deactivate(this.clock);
      await this.customers.save(customer);
      return toRepresentation(customer.snapshot());
    });
  }
}
