import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from '../sql-dialect';

/**
 * Erasure and the outbox: an event still owed to subscribers when its customer is erased must go out as it was
 * written, yet its personal data must not outlive the publish. Erasure writes the scrubbed body here, and the relay
 * swaps it in for `payload` in the same statement that marks the row published or dead-lettered. NULL for every
 * row but those few.
 */
export class OutboxScrubbedPayload1764720000000 implements MigrationInterface {
  name = 'OutboxScrubbedPayload1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      dialectOf(q) === 'sqlite'
        ? 'ALTER TABLE outbox_messages ADD COLUMN scrubbed_payload TEXT NULL'
        : 'ALTER TABLE outbox_messages ADD COLUMN scrubbed_payload LONGTEXT NULL',
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE outbox_messages DROP COLUMN scrubbed_payload');
  }
}
