import { context, propagation, trace } from '@opentelemetry/api';
import { DataSource } from 'typeorm';
import { installTraceContextPropagation } from '../observability/trace-context';
import { dataSourceOptions } from './data-source-options';
import { DatabaseResilience } from './database-resilience';
import { UnitOfWork } from './unit-of-work';

describe('UnitOfWork', () => {
  let dataSource: DataSource;
  let unitOfWork: UnitOfWork;

  beforeAll(async () => {
    installTraceContextPropagation(); // as the entry points do, so that a request's trace context exists at all
    dataSource = new DataSource(dataSourceOptions({ kind: 'sqlite', url: 'sqlite::memory:', file: ':memory:' }));
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)');
    unitOfWork = new UnitOfWork(dataSource, new DatabaseResilience());
  });

  afterAll(() => dataSource.destroy());
  beforeEach(() => dataSource.query('DELETE FROM notes'));

  const notes = async () =>
    (await dataSource.query('SELECT text FROM notes ORDER BY id')).map((r: { text: string }) => r.text);
  const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

  it("hands out the transaction's manager across awaits and timers, and the plain one outside", async () => {
    const seen = await unitOfWork.run(async () => {
      const first = unitOfWork.manager;
      await tick();
      const afterTimer = await new Promise((resolve) => setImmediate(() => resolve(unitOfWork.manager)));
      return { first, afterTimer };
    });

    expect(seen.first).not.toBe(dataSource.manager);
    expect(seen.afterTimer).toBe(seen.first);
    expect(unitOfWork.manager).toBe(dataSource.manager);
  });

  it('commits everything written through its manager, or, when the work throws, none of it', async () => {
    await unitOfWork.run(async () => {
      await unitOfWork.manager.query("INSERT INTO notes (text) VALUES ('kept')");
      await tick();
      await unitOfWork.manager.query("INSERT INTO notes (text) VALUES ('kept too')");
    });
    await expect(
      unitOfWork.run(async () => {
        await unitOfWork.manager.query("INSERT INTO notes (text) VALUES ('rolled back')");
        await tick();
        throw new Error('the command fails after its first write');
      }),
    ).rejects.toThrow('the command fails after its first write');

    expect(await notes()).toEqual(['kept', 'kept too']);
  });

  it('joins the enclosing unit of work when run inside one', async () => {
    const managers = await unitOfWork.run(async () => {
      const outer = unitOfWork.manager;
      const inner = await unitOfWork.run(() => Promise.resolve(unitOfWork.manager));
      return { outer, inner };
    });
    expect(managers.inner).toBe(managers.outer);
  });

  it('keeps units of work that overlap in time apart', async () => {
    const unit = (name: string) =>
      unitOfWork.run(async () => {
        const mine = unitOfWork.manager;
        await tick();
        await mine.query('INSERT INTO notes (text) VALUES (?)', [name]);
        return mine === unitOfWork.manager;
      });

    expect(await Promise.all([unit('a'), unit('b'), unit('c')])).toEqual([true, true, true]);
    expect((await notes()).sort()).toEqual(['a', 'b', 'c']);
  });

  it('runs after-commit hooks once committed, never after a rollback, and at once outside a unit of work', async () => {
    const ran: string[] = [];
    await unitOfWork.run(async () => {
      unitOfWork.afterCommit(() => ran.push('committed'));
      await unitOfWork.manager.query("INSERT INTO notes (text) VALUES ('x')");
      expect(ran).toEqual([]);
    });
    await unitOfWork
      .run(async () => {
        unitOfWork.afterCommit(() => ran.push('rolled back'));
        await unitOfWork.manager.query("INSERT INTO notes (text) VALUES ('y')");
        throw new Error('fails');
      })
      .catch(() => undefined);
    unitOfWork.afterCommit(() => ran.push('outside'));

    expect(ran).toEqual(['committed', 'outside']);
  });

  it('keeps the trace context of the request that opened it', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const incoming = propagation.extract(context.active(), { traceparent });
    const inside = await context.with(incoming, () =>
      unitOfWork.run(async () => {
        await tick();
        return trace.getSpanContext(context.active())?.traceId;
      }),
    );
    expect(inside).toBe('0af7651916cd43dd8448eb211c80319c');
  });
});
