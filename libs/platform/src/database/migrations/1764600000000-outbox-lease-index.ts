import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from '../sql-dialect';

/**
 * The outbox relay's lease claim stamps its rows with a per-claim token in `lease_owner`, then reads back "the rows
 * carrying my token" and later releases them by the same token. Without this index each of those is a scan of the
 * whole table. The column is NULL for all rows but the few in flight, so the index stays small.
 */
export class OutboxLeaseIndex1764600000000 implements MigrationInterface {
  name = 'OutboxLeaseIndex1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE INDEX ix_outbox_lease_owner ON outbox_messages (lease_owner)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      dialectOf(q) === 'sqlite'
        ? 'DROP INDEX ix_outbox_lease_owner'
        : 'DROP INDEX ix_outbox_lease_owner ON outbox_messages',
    );
  }
}
