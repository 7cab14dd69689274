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

  async execute({ input }: RegisterCustomerCommand): Promise<CustomerRepresentation> {
    // With hilo ids the id exists before the insert; with auto-increment the repository learns it on insert (null
    // here). Drawn before the unit of work opens: a block reservation needs a pooled connection of its own, and a
    // registration holding one in an open transaction while it waits would, with enough of them, leave it none.
    const id = await this.customers.nextId();
    return this.unitOfWork.run(async () => {
      const customer = Customer.register(input, this.clock, id);
      await this.customers.save(customer);
      return toRepresentation(customer.snapshot());
    });
  }
}
