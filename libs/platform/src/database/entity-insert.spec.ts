import { Column, DataSource, Entity, PrimaryColumn, PrimaryGeneratedColumn, VersionColumn } from 'typeorm';
import { insertRows } from './entity-insert';

@Entity({ name: 'gadgets' })
class Gadget {
  @PrimaryGeneratedColumn('increment')
  id!: number;

  @Column({ name: 'display_name', type: 'varchar', length: 50 })
  displayName!: string;

  /** Stored as its legacy code: the transformer must run as it does for TypeORM's own INSERTs. */
  @Column({
    type: 'varchar',
    length: 1,
    transformer: { to: (v: string) => (v === 'active' ? 'A' : 'I'), from: (v: string) => v },
  })
  status!: string;

  @Column({ name: 'made_at', type: 'datetime' })
  madeAt!: Date;

  @Column({ type: 'varchar', length: 20, nullable: true, default: 'plain' })
  finish!: string | null;
}

@Entity({ name: 'gadget_parts' })
class GadgetPart {
  @PrimaryColumn({ name: 'gadget_id', type: 'integer' })
  gadgetId!: number;

  @PrimaryColumn({ type: 'integer' })
  position!: number;

  @Column({ type: 'varchar', length: 20 })
  label!: string;
}

@Entity({ name: 'versioned' })
class Versioned {
  @PrimaryColumn({ type: 'integer' })
  id!: number;

  @VersionColumn()
  version!: number;
}

describe('insertRows', () => {
  let dataSource: DataSource;
  const statements: string[] = [];

  beforeAll(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [Gadget, GadgetPart, Versioned],
      synchronize: true,
    });
    await dataSource.initialize();
    const query = dataSource.manager.query.bind(dataSource.manager);
    dataSource.manager.query = ((sql: string, parameters?: unknown[]) => {
      statements.push(sql);
      return query(sql, parameters);
    }) as typeof dataSource.manager.query;
  });

  afterAll(() => dataSource.destroy());

  beforeEach(() => {
    statements.length = 0;
  });

  it('writes the mapped column names, runs the transformers and leaves an undefined id to the database', async () => {
    const madeAt = new Date('2026-12-04T10:20:30.000Z');
    const raw = await insertRows(dataSource.manager, Gadget, [
      { displayName: 'lamp', status: 'active', madeAt, finish: null },
    ]);

    expect(statements).toEqual([
      'INSERT INTO "gadgets" ("display_name", "status", "made_at", "finish") VALUES (?, ?, ?, ?)',
    ]);
    const [row] = await dataSource.query<Record<string, unknown>[]>('SELECT * FROM gadgets WHERE id = ?', [raw]);
    expect(row).toEqual({ id: raw, display_name: 'lamp', status: 'A', made_at: expect.any(String), finish: null });
    const reloaded = await dataSource.manager.findOneByOrFail(Gadget, { id: Number(raw) });
    expect(reloaded.madeAt.toISOString()).toBe(madeAt.toISOString());
  });

  it('writes the same values as TypeORM’s own insert for the same entity', async () => {
    const values = {
      displayName: 'fan',
      status: 'inactive',
      madeAt: new Date('2026-01-02T03:04:05.000Z'),
      finish: 'matt',
    };
    const ours = await insertRows(dataSource.manager, Gadget, [values]);
    const theirs = (await dataSource.manager.insert(Gadget, values)).identifiers[0]?.id;
    const rows = await dataSource.query<Record<string, unknown>[]>(
      'SELECT * FROM gadgets WHERE id IN (?, ?) ORDER BY id',
      [ours, theirs],
    );
    expect({ ...rows[0], id: 0 }).toEqual({ ...rows[1], id: 0 });
  });

  it('leaves out a column whose value is undefined, so its default applies, and includes an explicit id', async () => {
    await insertRows(dataSource.manager, Gadget, [
      { id: 500, displayName: 'clock', status: 'active', madeAt: new Date() },
    ]);
    const [row] = await dataSource.query<Record<string, unknown>[]>('SELECT id, finish FROM gadgets WHERE id = 500');
    expect(row).toEqual({ id: 500, finish: 'plain' });
    expect(statements[0]).toBe('INSERT INTO "gadgets" ("id", "display_name", "status", "made_at") VALUES (?, ?, ?, ?)');
  });

  it('inserts several rows in one statement', async () => {
    await insertRows(dataSource.manager, GadgetPart, [
      { gadgetId: 1, position: 0, label: 'base' },
      { gadgetId: 1, position: 1, label: 'shade' },
    ]);
    expect(statements).toEqual([
      'INSERT INTO "gadget_parts" ("gadget_id", "position", "label") VALUES (?, ?, ?), (?, ?, ?)',
    ]);
    expect(await dataSource.query('SELECT label FROM gadget_parts WHERE gadget_id = 1 ORDER BY position')).toEqual([
      { label: 'base' },
      { label: 'shade' },
    ]);
  });

  it('refuses rows that leave out different columns, and no rows at all', async () => {
    await expect(
      insertRows(dataSource.manager, Gadget, [
        { displayName: 'a', status: 'active', madeAt: new Date() },
        { displayName: 'b', status: 'active', madeAt: new Date(), finish: 'gloss' },
      ]),
    ).rejects.toThrow(/leave out different columns/);
    await expect(insertRows(dataSource.manager, Gadget, [])).rejects.toThrow(/at least one row/);
    expect(statements).toEqual([]);
  });

  it('refuses an entity with a column the query builder fills in itself', async () => {
    await expect(insertRows(dataSource.manager, Versioned, [{ id: 1 }])).rejects.toThrow(
      /plain columns only: versioned.version/,
    );
  });
});
