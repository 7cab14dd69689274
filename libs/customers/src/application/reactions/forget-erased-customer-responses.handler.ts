import { Injectable } from '@nestjs/common';
import { HandlesInTransaction, IdempotencyStore, type InTransactionEventHandler } from '@customerflow/platform';
import { CustomerWasErased } from '../../domain';

/**
 * Stored idempotent responses hold the customer's personal data; erasure must not leave a copy behind, so they
 * are scrubbed in the erasure's own transaction.
 */
@Injectable()
@HandlesInTransaction(CustomerWasErased)
export class ForgetErasedCustomerResponsesHandler implements InTransactionEventHandler<CustomerWasErased> {
  constructor(private readonly idempotency: IdempotencyStore) {}

  async handle(event: CustomerWasErased): Promise<void> {
    if (event.customerId) await this.idempotency.forgetResource(event.customerId);
  }
}
