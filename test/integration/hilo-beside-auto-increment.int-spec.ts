/**
 * The hilo allocator next to AUTO_INCREMENT inserts, step by step, on the shared server (no restart needed): a
 * legacy insert that lands inside a block while it is being reserved is skipped, a reserved block pushes the
 * counter past it, and a process that dies holding a block leaves a gap, never a block handed out twice.
 */
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { dataSourceOptions, HiloIdGenerator, parseDatabaseUrl } from '../../libs/platform/src';

const LEGACY_TABLE = 'legacy_hilo_probe';
const sequence = { name: LEGACY_TABLE, table: LEGACY_TABLE, column: 'id_row' };

describe('hilo beside AUTO_INCREMENT (MariaDB)', () => {
  let dataSource: DataSource;

  beforeAll(async () => {
    Logger.overrideLogger(['error', 'warn']);
    dataSource = new DataSource(
      dataSourceOptions(parseDatabaseUrl('DATABASE_URL', process.env.DATABASE_URL!), { poolSize: 6 }),
    );
    await dataSource.initialize();
  });
  afterAll(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS ${LEGACY_TABLE}`);
    await dataSource.query('DELETE FROM hilo_sequences WHERE name = ?', [LEGACY_TABLE]);
    await dataSource.destroy();
  });
  beforeEach(async () => {
    await dataSource.query(`DROP TABLE IF EXISTS ${LEGACY_TABLE}`);
    await dataSource.query(
      `CREATE TABLE ${LEGACY_TABLE} (id_row INT NOT NULL AUTO_INCREMENT PRIMARY KEY, note VARCHAR(40) NOT NULL) ENGINE=InnoDB`,
    );
    await dataSource.query('DELETE FROM hilo_sequences WHERE name = ?', [LEGACY_TABLE]);
  });

  const counter = async () =>
    Number(
      (
        await dataSource.query(
          'SELECT AUTO_INCREMENT AS c FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?',
          [LEGACY_TABLE],
        )
      )[0].c,
    );

  it('moves the counter past the block, so the next legacy insert draws an id above it', async () => {
    await dataSource.query(`INSERT INTO ${LEGACY_TABLE} (note) VALUES ('legacy'), ('legacy')`);
    const block = await new HiloIdGenerator(dataSource, null, 10).reserveBlock(sequence);
    expect([block.start, block.end]).toEqual([3n, 13n]);
    expect(await counter()).toBe(13);
    const [result] = await dataSource.query(`INSERT INTO ${LEGACY_TABLE} (note) VALUES ('legacy')`).then((r) => [r]);
    expect(Number(result.insertId)).toBe(13);
  });

  it('skips an id that a legacy transaction drew inside the block while the block was being reserved', async () => {
    const legacy = dataSource.createQueryRunner();
    await legacy.connect();
    try {
      // A legacy transaction that has touched the table holds its metadata lock: moving the counter waits for it.
      await legacy.startTransaction();
      await legacy.query(`INSERT INTO ${LEGACY_TABLE} (note) VALUES ('legacy, first')`); // id 1
      const reserving = new HiloIdGenerator(dataSource, null, 5).reserveBlock(sequence); // claims [2, 7)
      await waitForMetadataLockWait();
      // Still inside its transaction, the legacy code inserts again: AUTO_INCREMENT gives it 2, inside the claim.
      const second = await legacy.query(`INSERT INTO ${LEGACY_TABLE} (note) VALUES ('legacy, second')`);
      expect(Number(second.insertId)).toBe(2);
      await legacy.commitTransaction();
      const block = await reserving;
      expect([block.start, block.end]).toEqual([2n, 7n]);
      const ids = Array.from({ length: 5 }, () => block.take());
      expect(ids).toEqual([3n, 4n, 5n, 6n, null]); // 2 is the legacy row's
    } finally {
      await legacy.release();
    }
  });

  it('never hands a block out twice to generators reserving at once, while legacy inserts go on', async () => {
    let stop = false;
    const legacyIds: number[] = [];
    const legacy = (async () => {
      while (!stop) {
        const result = await dataSource.query(`INSERT INTO ${LEGACY_TABLE} (note) VALUES ('legacy')`);
        legacyIds.push(Number(result.insertId));
      }
    })();
    const generators = [1, 2, 3].map(() => new HiloIdGenerator(dataSource, null, 7));
    const ids = (
      await Promise.all(generators.flatMap((g) => Array.from({ length: 150 }, () => g.nextId(sequence))))
    ).map(Number);
    stop = true;
    await legacy;
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => legacyIds.includes(id))).toEqual([]);
    for (const id of ids) await dataSource.query(`INSERT INTO ${LEGACY_TABLE} (id_row, note) VALUES (?, 'hilo')`, [id]);
  });

  it('leaves a gap when the process holding a block dies: the next reservation starts above it', async () => {
    const dead = await new HiloIdGenerator(dataSource, null, 10).reserveBlock(sequence); // never used: its process "died"
    const next = await new HiloIdGenerator(dataSource, null, 10).reserveBlock(sequence);
    expect(next.start).toBeGreaterThanOrEqual(dead.end);
  });

  async function waitForMetadataLockWait(): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const rows = await dataSource.query(
        "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE STATE LIKE 'Waiting for table metadata lock' AND INFO LIKE ?",
        [`ALTER TABLE \`${LEGACY_TABLE}\`%`],
      );
      if (Number(rows[0].n) > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error('the reservation never waited for the metadata lock');
  }
});
