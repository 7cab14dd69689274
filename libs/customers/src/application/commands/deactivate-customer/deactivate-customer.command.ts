import { Command } from '@nestjs/cqrs';
import type { CustomerRepresentation } from '@customerflow/contracts';

/** `expectedVersion` is checked when the client sent If-Match; null means "whatever the current version is". */
export class DeactivateCustomerCommand extends Command<CustomerRepresentation> {
  constructor(
    readonly customerId: string,
    readonly expectedVersion: number | null,
  ) {
    super();
  }
}
