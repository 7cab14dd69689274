import type { DataSource } from 'typeorm';
import { dialectOf } from '../../libs/platform/src';

export const ALL_TABLES = [
  'customer_addresses',
  'customers',
  'outbox_messages',
  'idempotency_keys',
  'hilo_sequences',
  'inbox_messages',
];

/** Empties tables between tests so each starts from a known state (schema and migrations stay). */
export async function cleanDatabase(dataSource: DataSource, tables: readonly string[] = ALL_TABLES): Promise<void> {
  const runner = dataSource.createQueryRunner(); // one connection: FOREIGN_KEY_CHECKS is per session
  try {
    if (dialectOf(dataSource) === 'mysql') {
      await runner.query('SET FOREIGN_KEY_CHECKS = 0');
      for (const table of tables) await runner.query(`TRUNCATE TABLE ${table}`);
      await runner.query('SET FOREIGN_KEY_CHECKS = 1');
    } else {
      for (const table of tables) await runner.query(`DELETE FROM ${table}`);
    }
  } finally {
    await runner.release();
  }
}
