import type { MigrationInterface, QueryRunner } from 'typeorm';
import { dialectOf } from '../sql-dialect';

/**
 * What `npm run ids:hilo` / `ids:autoincrement` last did to a table, next to its high-water mark, so `db:check`
 * can tell a map that says hilo for a table nobody prepared. NULL: never switched by the commands (a sequence
 * created by `ID_STRATEGY=hilo` on CustomerFlow's own schema).
 */
export class HiloSwitchState1764900000000 implements MigrationInterface {
  name = 'HiloSwitchState1764900000000';

  async up(q: QueryRunner): Promise<void> {
    if (dialectOf(q) === 'sqlite') {
      await q.query('ALTER TABLE hilo_sequences ADD COLUMN strategy VARCHAR(16) NULL');
      await q.query('ALTER TABLE hilo_sequences ADD COLUMN switched_at DATETIME NULL');
    } else {
      await q.query(
        'ALTER TABLE hilo_sequences ADD COLUMN strategy VARCHAR(16) NULL, ADD COLUMN switched_at DATETIME(3) NULL',
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE hilo_sequences DROP COLUMN switched_at');
    await q.query('ALTER TABLE hilo_sequences DROP COLUMN strategy');
  }
}
