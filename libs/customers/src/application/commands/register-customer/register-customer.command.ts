import { Command } from '@nestjs/cqrs';
import type { CustomerRepresentation } from '@customerflow/contracts';
import type { CustomerInput } from '../../../domain';

export class RegisterCustomerCommand extends Command<CustomerRepresentation> {
  constructor(readonly input: CustomerInput) {
    super();
  }
}
