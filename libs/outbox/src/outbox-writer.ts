/**
 * Appends integration events to `outbox_messages` through the current unit of work's EntityManager, so they
 * commit with the change they announce, and wakes the relay once that commit has happened.
 */
import { Injectable } from '@nestjs/common';
import { UnitOfWork, toDb } from '@customerflow/platform';
import { OutboxSignal } from './outbox-signal';

export interface OutboxRecord {
  /** The event id (CloudEvents `id`, AMQP `messageId`). */
  readonly id: string;
  readonly aggregateType: string;
  readonly aggregateId: string;
  /** The event type, e.g. customerflow.customer.registered.v1. */
  readonly type: string;
  /** The message body, already serialised (the CloudEvents envelope). */
  readonly payload: string;
  /** Transport headers such as traceparent / tracestate. */
  readonly headers: Readonly<Record<string, string>>;
  readonly occurredAt: Date;
}

const COLUMNS = ['id', 'aggregatetype', 'aggregateid', 'type', 'payload', 'headers', 'occurred_at', 'available_at'];

@Injectable()
export class OutboxWriter {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly signal: OutboxSignal,
  ) {}

  async append(records: readonly OutboxRecord[]): Promise<void> {
    if (records.length === 0) return;
    const placeholders = records.map(() => `(${COLUMNS.map(() => '?').join(', ')})`).join(', ');
    const parameters = records.flatMap((r) => [
      r.id,
      r.aggregateType,
      r.aggregateId,
      r.type,
      r.payload,
      JSON.stringify(r.headers),
      toDb(r.occurredAt),
      toDb(r.occurredAt),
    ]);
    await this.unitOfWork.manager.query(
      `INSERT INTO outbox_messages (${COLUMNS.join(', ')}) VALUES ${placeholders}`,
      parameters,
    );
    this.unitOfWork.afterCommit(() => this.signal.wake());
  }
}
