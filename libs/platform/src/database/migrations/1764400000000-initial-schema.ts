import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from '../sql-dialect';
import { schemaMapOf } from './schema-map-of';

/**
 * The tables of docs/architecture.md ("The outbox and the relay"). Their names and the outbox's Debezium columns (`id`, `aggregatetype`,
 * `aggregateid`, `type`, `payload`) are part of the contract. `customers.id` stays an auto-increment column so an
 * existing schema keeps working, and the hilo allocator can still insert explicit ids into it.
 */
export class InitialSchema1764400000000 implements MigrationInterface {
  name = 'InitialSchema1764400000000';

  async up(q: QueryRunner): Promise<void> {
    const statements = dialectOf(q) === 'sqlite' ? sqlite : mysql;
    const skipped = skippedTables(q);
    for (const sql of statements) {
      const table = /^CREATE TABLE (\w+)/.exec(sql)?.[1];
      if (table && skipped.has(table)) continue;
      // Over a legacy schema, customer_addresses is keyed by the legacy id: no foreign key to a customers table.
      await q.query(
        schemaMapOf(q) ? sql.replace(/,\s*CONSTRAINT fk_customer_addresses_customer .*ON DELETE CASCADE/, '') : sql,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    const skipped = skippedTables(q);
    for (const table of ['hilo_sequences', 'idempotency_keys', 'outbox_messages', 'customer_addresses', 'customers']) {
      if (!skipped.has(table)) await q.query(`DROP TABLE ${table}`);
    }
  }
}

/**
 * Over a legacy schema (SCHEMA_MAP_FILE) the customers live in the mapped tables: CustomerFlow's `customers` is not
 * created (a legacy table may even have that name), nor `customer_addresses` when addresses are mapped too.
 */
function skippedTables(q: QueryRunner): Set<string> {
  const map = schemaMapOf(q);
  if (!map) return new Set();
  return new Set(map.addresses ? ['customers', 'customer_addresses'] : ['customers']);
}

const mysql = [
  `CREATE TABLE customers (
     id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
     name VARCHAR(200) NOT NULL,
     email VARCHAR(254) NULL,
     phone VARCHAR(16) NULL,
     document_type VARCHAR(4) NULL,
     document_number VARCHAR(14) NULL,
     birth_date DATE NULL,
     status VARCHAR(8) NOT NULL,
     version INT UNSIGNED NOT NULL,
     created_at DATETIME(3) NOT NULL,
     updated_at DATETIME(3) NOT NULL,
     erased_at DATETIME(3) NULL,
     PRIMARY KEY (id),
     UNIQUE KEY uq_customers_email (email),
     UNIQUE KEY uq_customers_document (document_number),
     KEY ix_customers_created (created_at, id)
   ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  `CREATE TABLE customer_addresses (
     customer_id BIGINT UNSIGNED NOT NULL,
     position TINYINT UNSIGNED NOT NULL,
     street VARCHAR(200) NOT NULL,
     number VARCHAR(20) NOT NULL,
     complement VARCHAR(100) NULL,
     district VARCHAR(100) NOT NULL,
     city VARCHAR(100) NOT NULL,
     state VARCHAR(50) NOT NULL,
     postal_code VARCHAR(16) NOT NULL,
     country CHAR(2) NOT NULL,
     PRIMARY KEY (customer_id, position),
     CONSTRAINT fk_customer_addresses_customer FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
   ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  `CREATE TABLE outbox_messages (
     position BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
     id CHAR(36) NOT NULL,
     aggregatetype VARCHAR(64) NOT NULL,
     aggregateid VARCHAR(64) NOT NULL,
     type VARCHAR(128) NOT NULL,
     payload LONGTEXT NOT NULL,
     headers TEXT NULL,
     occurred_at DATETIME(3) NOT NULL,
     attempts INT UNSIGNED NOT NULL DEFAULT 0,
     available_at DATETIME(3) NOT NULL,
     lease_owner VARCHAR(64) NULL,
     lease_until DATETIME(3) NULL,
     published_at DATETIME(3) NULL,
     dead_lettered_at DATETIME(3) NULL,
     last_error TEXT NULL,
     PRIMARY KEY (position),
     UNIQUE KEY uq_outbox_messages_id (id),
     KEY ix_outbox_pending (published_at, dead_lettered_at, position),
     KEY ix_outbox_aggregate (aggregateid, position),
     KEY ix_outbox_published (published_at)
   ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci`,
  `CREATE TABLE idempotency_keys (
     idempotency_key VARCHAR(255) NOT NULL,
     request_hash CHAR(64) NOT NULL,
     state VARCHAR(16) NOT NULL,
     claim_token CHAR(36) NOT NULL,
     locked_until DATETIME(3) NOT NULL,
     resource_id VARCHAR(64) NULL,
     response_status SMALLINT UNSIGNED NULL,
     response_headers TEXT NULL,
     response_body LONGTEXT NULL,
     created_at DATETIME(3) NOT NULL,
     expires_at DATETIME(3) NOT NULL,
     PRIMARY KEY (idempotency_key),
     KEY ix_idempotency_expires (expires_at),
     KEY ix_idempotency_resource (resource_id)
   ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`,
  `CREATE TABLE hilo_sequences (
     name VARCHAR(64) NOT NULL,
     next_value BIGINT UNSIGNED NOT NULL,
     PRIMARY KEY (name)
   ) ENGINE=InnoDB`,
];

// SQLite: `name` is NOCASE so a case-insensitive prefix search can use its index; times are ISO-8601 text.
const sqlite = [
  `CREATE TABLE customers (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     name VARCHAR(200) NOT NULL COLLATE NOCASE,
     email VARCHAR(254) NULL,
     phone VARCHAR(16) NULL,
     document_type VARCHAR(4) NULL,
     document_number VARCHAR(14) NULL,
     birth_date DATE NULL,
     status VARCHAR(8) NOT NULL,
     version INTEGER NOT NULL,
     created_at DATETIME NOT NULL,
     updated_at DATETIME NOT NULL,
     erased_at DATETIME NULL
   )`,
  `CREATE UNIQUE INDEX uq_customers_email ON customers (email)`,
  `CREATE UNIQUE INDEX uq_customers_document ON customers (document_number)`,
  `CREATE INDEX ix_customers_created ON customers (created_at, id)`,
  `CREATE TABLE customer_addresses (
     customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
     position INTEGER NOT NULL,
     street VARCHAR(200) NOT NULL,
     number VARCHAR(20) NOT NULL,
     complement VARCHAR(100) NULL,
     district VARCHAR(100) NOT NULL,
     city VARCHAR(100) NOT NULL,
     state VARCHAR(50) NOT NULL,
     postal_code VARCHAR(16) NOT NULL,
     country CHAR(2) NOT NULL,
     PRIMARY KEY (customer_id, position)
   )`,
  `CREATE TABLE outbox_messages (
     position INTEGER PRIMARY KEY AUTOINCREMENT,
     id CHAR(36) NOT NULL,
     aggregatetype VARCHAR(64) NOT NULL,
     aggregateid VARCHAR(64) NOT NULL,
     type VARCHAR(128) NOT NULL,
     payload TEXT NOT NULL,
     headers TEXT NULL,
     occurred_at DATETIME NOT NULL,
     attempts INTEGER NOT NULL DEFAULT 0,
     available_at DATETIME NOT NULL,
     lease_owner VARCHAR(64) NULL,
     lease_until DATETIME NULL,
     published_at DATETIME NULL,
     dead_lettered_at DATETIME NULL,
     last_error TEXT NULL
   )`,
  `CREATE UNIQUE INDEX uq_outbox_messages_id ON outbox_messages (id)`,
  `CREATE INDEX ix_outbox_pending ON outbox_messages (published_at, dead_lettered_at, position)`,
  `CREATE INDEX ix_outbox_aggregate ON outbox_messages (aggregateid, position)`,
  `CREATE INDEX ix_outbox_published ON outbox_messages (published_at)`,
  `CREATE TABLE idempotency_keys (
     idempotency_key VARCHAR(255) NOT NULL PRIMARY KEY,
     request_hash CHAR(64) NOT NULL,
     state VARCHAR(16) NOT NULL,
     claim_token CHAR(36) NOT NULL,
     locked_until DATETIME NOT NULL,
     resource_id VARCHAR(64) NULL,
     response_status INTEGER NULL,
     response_headers TEXT NULL,
     response_body TEXT NULL,
     created_at DATETIME NOT NULL,
     expires_at DATETIME NOT NULL
   )`,
  `CREATE INDEX ix_idempotency_expires ON idempotency_keys (expires_at)`,
  `CREATE INDEX ix_idempotency_resource ON idempotency_keys (resource_id)`,
  `CREATE TABLE hilo_sequences (
     name VARCHAR(64) NOT NULL PRIMARY KEY,
     next_value INTEGER NOT NULL
   )`,
];
