/**
 * Hilo per table, from the schema map: a mapped customer table whose entry says `"ids": { "strategy": "hilo" }`
 * gets hilo ids whatever ID_STRATEGY says, and one without an `ids` entry follows ID_STRATEGY. This is what the
 * live switch relies on when it rolls processes onto a map that says hilo.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { aRegistration } from '../support/customer-bodies';
import { createLegacyDatabase, FIXTURES, type LegacyDatabase, migrationRun } from '../support/legacy-database';
import { startTestApp, type TestApp } from '../support/test-app';

const BLOCK = 50;

describe("the schema map's ids entry", () => {
  let legacy: LegacyDatabase;
  let dir: string;
  let t: TestApp | undefined;

  const mapFile = (ids: object | null) => {
    const map = JSON.parse(readFileSync(join(FIXTURES, 'clientes.map.json'), 'utf8'));
    if (ids) map.customers.ids = ids;
    else delete map.customers.ids;
    const file = join(dir, `map-${ids ? 'hilo' : 'plain'}.json`);
    writeFileSync(file, JSON.stringify(map));
    return file;
  };
  const hiloMark = async () =>
    ((await legacy.sql.query("SELECT next_value FROM hilo_sequences WHERE name = 'clientes'")) as any)[0][0]
      ?.next_value as string | undefined;
  const legacyInsert = async () => {
    const [result] = (await legacy.sql.query(
      "INSERT INTO clientes (nome, email, ativo, dt_cadastro) VALUES ('Legado', 'legado@example.com', 1, NOW())",
    )) as any;
    return Number(result.insertId);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'customerflow-map-ids-'));
    legacy = await createLegacyDatabase('map_ids', 'clientes.sql');
    const migrated = migrationRun({ DATABASE_URL: legacy.url, SCHEMA_MAP_FILE: mapFile(null) });
    expect(migrated.status).toBe(0);
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });
  afterAll(async () => {
    await legacy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('without one, ID_STRATEGY=autoincrement leaves the ids to AUTO_INCREMENT', async () => {
    t = await startTestApp(
      { DATABASE_URL: legacy.url, SCHEMA_MAP_FILE: mapFile(null), ID_STRATEGY: 'autoincrement' },
      { clean: false },
    );
    const before = await legacyInsert();
    const { body } = await t.http().post('/v1/customers').send(aRegistration()).expect(201);
    expect(Number(body.id)).toBe(before + 1);
    expect(await hiloMark()).toBeUndefined();
  });

  it('with "hilo", the table gets hilo ids under ID_STRATEGY=autoincrement, and legacy inserts land above the block', async () => {
    t = await startTestApp(
      {
        DATABASE_URL: legacy.url,
        SCHEMA_MAP_FILE: mapFile({ strategy: 'hilo', blockSize: BLOCK }),
        ID_STRATEGY: 'autoincrement',
        HILO_BLOCK_SIZE: '7', // the map's blockSize wins
      },
      { clean: false },
    );
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(Number((await t.http().post('/v1/customers').send(aRegistration()).expect(201)).body.id));
    }
    const mark = Number(await hiloMark());
    expect(ids).toEqual([ids[0], ids[0] + 1, ids[0] + 2]);
    expect(mark).toBe(ids[0] + BLOCK); // one block of the map's size, ids handed out from its start
    expect(await legacyInsert()).toBeGreaterThanOrEqual(mark);
  });
});
