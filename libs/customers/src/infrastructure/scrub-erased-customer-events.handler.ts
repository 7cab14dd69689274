import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { CUSTOMER_AGGREGATE_TYPE } from '@customerflow/contracts';
import { OutboxScrubber } from '@customerflow/outbox';
import {
  checkpointSqlite,
  HandlesInTransaction,
  type InTransactionEventHandler,
  UnitOfWork,
} from '@customerflow/platform';
import { CustomerWasErased } from '../domain';
import { scrubCustomerEventPayload } from './customer-integration-events';

/**
 * The customer's earlier events in `outbox_messages` carry the personal data erasure removes: scrubbed in the
 * erasure's own transaction (at once for published rows and dead letters, at publish time for rows still owed; see
 * OutboxScrubber). On SQLite the WAL is then checkpointed so the file itself no longer holds the old pages.
 */
@Injectable()
@HandlesInTransaction(CustomerWasErased)
export class ScrubErasedCustomerEventsHandler implements InTransactionEventHandler<CustomerWasErased> {
  constructor(
    private readonly scrubber: OutboxScrubber,
    private readonly unitOfWork: UnitOfWork,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async handle(event: CustomerWasErased): Promise<void> {
    if (!event.customerId) return;
    await this.scrubber.scrubAggregate(CUSTOMER_AGGREGATE_TYPE, event.customerId, scrubCustomerEventPayload);
    this.unitOfWork.afterCommit(() => void checkpointSqlite(this.dataSource).catch(() => undefined));
  }
}
