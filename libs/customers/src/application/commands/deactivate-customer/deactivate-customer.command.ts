import { Command } from '@nestjs/cqrs';
import type { CustomerRepresentation } from '@customerflow/contracts';

/** `expectedTag` (the ETag's value) is checked when the client sent If-Match; null means "whatever is current". */
export class DeactivateCustomerCommand extends Command<CustomerRepresentation> {
  constructor(
    readonly customerId: string,
    readonly expectedTag: string | null,
  ) {
    super();
  }
}
