import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CustomerRepresentation } from '@customerflow/contracts';
import { UnitOfWork } from '@customerflow/platform';
import { Clock, type CustomerInput, CustomerRepository } from '../../../domain';
import { loadForChange } from '../load-for-change';
import { toRepresentation } from '../../customer-representation';
import { applyMergePatch } from './json-merge-patch';
import { UpdateCustomerCommand } from './update-customer.command';

@CommandHandler(UpdateCustomerCommand)
export class UpdateCustomerHandler implements ICommandHandler<UpdateCustomerCommand> {
  constructor(
    private readonly customers: CustomerRepository,
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  execute({ customerId, patch, expectedTag }: UpdateCustomerCommand): Promise<CustomerRepresentation> {
    return this.unitOfWork.run(async () => {
      const customer = await loadForChange(this.customers, customerId, expectedTag);
      // The patch applies to the writable fields; the aggregate validates the result and records what changed.
      customer.update(applyMergePatch(customer.writableFields(), patch) as CustomerInput, this.clock);
      await this.customers.save(customer);
      return toRepresentation(customer.snapshot());
    });
  }
}
