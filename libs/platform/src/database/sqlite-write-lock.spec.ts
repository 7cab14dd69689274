import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { SqliteWriteLock } from './sqlite-write-lock';

describe('SqliteWriteLock', () => {
  const sqlite = new DataSource(dataSourceOptions({ kind: 'sqlite', url: 'sqlite::memory:', file: ':memory:' }));

  it('is one lock per connection, and none on MySQL', () => {
    const mysql = new DataSource(dataSourceOptions({ kind: 'mysql', url: 'mysql://app@db:3306/customers' }));
    expect(SqliteWriteLock.of(sqlite)).toBe(SqliteWriteLock.of(sqlite));
    expect(SqliteWriteLock.of(mysql)).toBeNull();
  });

  it('runs holders one at a time, in the order they asked, and a failing holder lets the next one in', async () => {
    const lock = SqliteWriteLock.of(sqlite)!;
    const events: string[] = [];
    const holder = (name: string, ms: number, fail = false) =>
      lock.hold(async () => {
        events.push(`${name} in`);
        await new Promise((resolve) => setTimeout(resolve, ms));
        events.push(`${name} out`);
        if (fail) throw new Error(`${name} failed`);
        return name;
      });

    const outcomes = await Promise.allSettled([holder('a', 20), holder('b', 1, true), holder('c', 1)]);

    expect(events).toEqual(['a in', 'a out', 'b in', 'b out', 'c in', 'c out']);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
