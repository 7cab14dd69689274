/**
 * A real InnoDB deadlock (1213) between two units of work: the loser is rolled back and retried as a whole, and
 * both end up committed exactly once.
 */
import { UnitOfWork } from '../../libs/platform/src';
import { startTestApp, type TestApp } from '../support/test-app';

describe('UnitOfWork on MariaDB', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
    await t.dataSource.query(
      'CREATE TABLE IF NOT EXISTS uow_deadlock_probe (id INT PRIMARY KEY, hits INT NOT NULL) ENGINE=InnoDB',
    );
    await t.dataSource.query('DELETE FROM uow_deadlock_probe');
    await t.dataSource.query('INSERT INTO uow_deadlock_probe (id, hits) VALUES (1, 0), (2, 0)');
  });
  afterAll(async () => {
    await t.dataSource.query('DROP TABLE IF EXISTS uow_deadlock_probe');
    await t.close();
  });

  it('retries the whole unit of work that lost a deadlock', async () => {
    const uow = t.app.get(UnitOfWork);
    const attempts = { a: 0, b: 0 };
    let arrived = 0;
    let release!: () => void;
    const bothHoldTheirFirstLock = new Promise<void>((resolve) => (release = resolve));
    const meet = async () => {
      arrived += 1;
      if (arrived === 2) release();
      await bothHoldTheirFirstLock;
    };
    const touch = (id: number) => uow.manager.query('UPDATE uow_deadlock_probe SET hits = hits + 1 WHERE id = ?', [id]);

    await Promise.all([
      uow.run(async () => {
        attempts.a += 1;
        await touch(1);
        if (attempts.a === 1) await meet();
        await touch(2);
      }),
      uow.run(async () => {
        attempts.b += 1;
        await touch(2);
        if (attempts.b === 1) await meet();
        await touch(1);
      }),
    ]);

    expect(attempts.a + attempts.b).toBe(3);
    const rows = await t.dataSource.query('SELECT id, hits FROM uow_deadlock_probe ORDER BY id');
    expect(rows.map((r: { hits: number }) => Number(r.hits))).toEqual([2, 2]);
  });

  it('runs after-commit hooks only after a commit, never after a rollback', async () => {
    const uow = t.app.get(UnitOfWork);
    const calls: string[] = [];
    await uow.run(() => {
      uow.afterCommit(() => calls.push('committed'));
      expect(calls).toEqual([]);
      return Promise.resolve();
    });
    await expect(
      uow.run(() => {
        uow.afterCommit(() => calls.push('rolled back'));
        return Promise.reject(new Error('abort'));
      }),
    ).rejects.toThrow('abort');
    expect(calls).toEqual(['committed']);
  });
});
