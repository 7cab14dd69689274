import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from '../sql-dialect';

/**
 * The inbox of commands received over RabbitMQ: one row per (consumer, CloudEvents source, CloudEvents id) that was
 * applied, written in the same transaction as the command's effects. A redelivery finds its row and is only acked.
 * `resource_id` is the customer the command concerned; rows are deleted after INBOX_RETENTION_HOURS, oldest first, through `ix_inbox_received`.
 */
export class InboxMessages1764713000000 implements MigrationInterface {
  name = 'InboxMessages1764713000000';

  async up(q: QueryRunner): Promise<void> {
    if (dialectOf(q) === 'sqlite') {
      await q.query(`CREATE TABLE inbox_messages (
        consumer VARCHAR(100) NOT NULL,
        source VARCHAR(255) NOT NULL,
        message_id VARCHAR(255) NOT NULL,
        type VARCHAR(128) NOT NULL,
        resource_id VARCHAR(64) NULL,
        received_at DATETIME NOT NULL,
        PRIMARY KEY (consumer, source, message_id)
      )`);
      await q.query('CREATE INDEX ix_inbox_received ON inbox_messages (received_at)');
      return;
    }
    await q.query(`CREATE TABLE inbox_messages (
       consumer VARCHAR(100) NOT NULL,
       source VARCHAR(255) NOT NULL,
       message_id VARCHAR(255) NOT NULL,
       type VARCHAR(128) NOT NULL,
       resource_id VARCHAR(64) NULL,
       received_at DATETIME(3) NOT NULL,
       PRIMARY KEY (consumer, source, message_id),
       KEY ix_inbox_received (received_at)
     ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE inbox_messages');
  }
}
