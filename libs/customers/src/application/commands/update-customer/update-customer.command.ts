import { Command } from '@nestjs/cqrs';
import type { CustomerRepresentation } from '@customerflow/contracts';

/**
 * A JSON merge patch (RFC 7396) of the writable fields, applied if the customer is still at the entity tag `expectedTag`
 * (null: the client sent `If-Match: *`, any version).
 */
export class UpdateCustomerCommand extends Command<CustomerRepresentation> {
  constructor(
    readonly customerId: string,
    readonly patch: Readonly<Record<string, unknown>>,
    readonly expectedTag: string | null,
  ) {
    super();
  }
}
