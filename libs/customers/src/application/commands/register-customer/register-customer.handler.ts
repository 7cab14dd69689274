import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CustomerRepresentation } from '@customerflow/contracts';
import { UnitOfWork } from '@customerflow/platform';
import { Clock, Customer, CustomerRepository } from '../../../domain';
import { toRepresentation } from '../../customer-representation';
import { RegisterCustomerCommand } from './register-customer.command';

@CommandHandler(RegisterCustomerCommand)
export class RegisterCustomerHandler implements ICommandHandler<RegisterCustomerCommand> {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute({ input }: RegisterCustomerCommand): Promise<CustomerRepresentation> {
    return this.unitOfWork.run(async () => {
      // With hilo ids the id exists before the insert; with auto-increment the repository learns it on insert.
      const customer = Customer.register(input, this.clock, await this.customers.nextId());
      await this.customers.save(customer);
      return toRepresentation(customer.snapshot());
    });
  }
}
