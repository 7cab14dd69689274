import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from '../sql-dialect';

/**
 * What CustomerFlow keeps beside a legacy schema (SCHEMA_MAP_FILE), keyed by the legacy customer id, so the legacy
 * tables are never altered: a customer's state where the legacy column has no value for it (such as `erased`), its
 * version, its update and erasure times where the table has no column for them; and one claim per email and
 * document, whose primary key decides between racing registrations even where the legacy table has no unique index.
 * Created on every database (empty without a map), so switching to a map needs no other migration.
 */
export class SchemaMapSideTables1764730000000 implements MigrationInterface {
  name = 'SchemaMapSideTables1764730000000';

  async up(q: QueryRunner): Promise<void> {
    const mysql = dialectOf(q) === 'mysql';
    const tail = mysql ? ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin' : '';
    await q.query(`CREATE TABLE customerflow_customer_state (
       customer_id BIGINT NOT NULL,
       status VARCHAR(8) NULL,
       version INT NOT NULL,
       updated_at ${mysql ? 'DATETIME(3)' : 'DATETIME'} NULL,
       erased_at ${mysql ? 'DATETIME(3)' : 'DATETIME'} NULL,
       PRIMARY KEY (customer_id)
     )${tail}`);
    await q.query(`CREATE TABLE customerflow_unique_claims (
       kind VARCHAR(8) NOT NULL,
       value VARCHAR(254) NOT NULL,
       customer_id BIGINT NOT NULL,
       PRIMARY KEY (kind, value)
     )${tail}`);
    await q.query('CREATE INDEX ix_unique_claims_customer ON customerflow_unique_claims (customer_id)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE customerflow_unique_claims');
    await q.query('DROP TABLE customerflow_customer_state');
  }
}
