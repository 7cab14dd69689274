import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppConfig } from '../../config/app-config';
import { loadSchemaMap } from './load-schema-map';
import { parseSchemaMap, type SchemaMap } from './schema-map';

/** The map of the README's example: Portuguese legacy tables, masked documents, 1/0 status. */
function exampleMap(): Record<string, any> {
  return {
    customers: {
      table: 'clientes',
      id: 'id_cliente',
      columns: {
        name: 'nome',
        email: 'email',
        phone: 'telefone',
        birthDate: 'dt_nascimento',
        document: { number: 'cpf_cnpj', format: 'masked', type: null },
        status: { column: 'ativo', values: { active: 1, inactive: 0 } },
        createdAt: 'dt_cadastro',
        updatedAt: 'dt_atualizacao',
        version: null,
        erasedAt: null,
      },
    },
    addresses: {
      table: 'enderecos',
      id: 'id_endereco',
      customerId: 'id_cliente',
      columns: {
        street: 'logradouro',
        number: 'numero',
        complement: 'complemento',
        district: 'bairro',
        city: 'cidade',
        state: 'uf',
        postalCode: 'cep',
        country: { default: 'BR' },
      },
    },
  };
}

function errorOf(json: unknown): string {
  try {
    parseSchemaMap(json);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the map was accepted');
}

describe('parseSchemaMap', () => {
  it('reads the example map', () => {
    const map: SchemaMap = parseSchemaMap(exampleMap());
    expect(map.customers).toEqual({
      table: 'clientes',
      id: 'id_cliente',
      ids: null,
      columns: {
        name: 'nome',
        email: 'email',
        phone: 'telefone',
        birthDate: 'dt_nascimento',
        document: { number: 'cpf_cnpj', format: 'masked', type: null },
        status: { column: 'ativo', values: { active: 1, inactive: 0 } },
        createdAt: 'dt_cadastro',
        updatedAt: 'dt_atualizacao',
        version: null,
        erasedAt: null,
      },
    });
    expect(map.addresses?.columns.street).toEqual({ kind: 'column', column: 'logradouro' });
    expect(map.addresses?.columns.country).toEqual({ kind: 'constant', value: 'BR' });
  });

  it('keeps addresses in CustomerFlow when they are mapped to null', () => {
    expect(parseSchemaMap({ ...exampleMap(), addresses: null }).addresses).toBeNull();
  });

  it('accepts string status values, a digits document with a type column, and a complement that does not exist', () => {
    const json = exampleMap();
    json.customers.columns.status = { column: 'situacao', values: { active: 'A', inactive: 'I', erased: 'X' } };
    json.customers.columns.document = { number: 'doc', format: 'digits', type: 'tipo_doc' };
    json.addresses.columns.complement = null;
    const map = parseSchemaMap(json);
    expect(map.customers.columns.status?.values).toEqual({ active: 'A', inactive: 'I', erased: 'X' });
    expect(map.customers.columns.document).toEqual({ number: 'doc', format: 'digits', type: 'tipo_doc' });
    expect(map.addresses?.columns.complement).toEqual({ kind: 'absent' });
  });

  it('reads an ids entry on either table (hilo only on the customer table)', () => {
    const json = exampleMap();
    json.customers.ids = { strategy: 'hilo', blockSize: 1000 };
    json.addresses.ids = { strategy: 'autoincrement' };
    const map = parseSchemaMap(json);
    expect(map.customers.ids).toEqual({ strategy: 'hilo', blockSize: 1000 });
    expect(map.addresses?.ids).toEqual({ strategy: 'autoincrement', blockSize: null });
  });

  it.each<[string, (json: Record<string, any>) => unknown, string]>([
    ['a map that is not an object', () => [], '(the map) must be an object (got [])'],
    ['no customers', (j) => delete j.customers, 'customers is missing'],
    ['no addresses entry', (j) => delete j.addresses, 'addresses is missing: map the legacy address table'],
    ['an unknown top-level entry', (j) => (j.orders = {}), 'orders is not a known entry here'],
    ['a missing table', (j) => delete j.customers.table, 'customers.table is missing'],
    ['a bad table name', (j) => (j.customers.table = 'cli entes'), 'customers.table must be a column or table name'],
    ['a missing column', (j) => delete j.customers.columns.phone, 'customers.columns.phone is missing'],
    ['a null name', (j) => (j.customers.columns.name = null), 'customers.columns.name must name a column'],
    ['a typo in a field', (j) => (j.customers.columns.nmae = 'x'), 'customers.columns.nmae is not a known entry'],
    [
      'a bad document format',
      (j) => (j.customers.columns.document.format = 'pretty'),
      'customers.columns.document.format must be "masked" or "digits" (got "pretty")',
    ],
    [
      'a document without its type entry',
      (j) => delete j.customers.columns.document.type,
      'customers.columns.document.type is missing',
    ],
    [
      'a status value that is an object',
      (j) => (j.customers.columns.status.values.inactive = { v: 0 }),
      'customers.columns.status.values.inactive must be the legacy value',
    ],
    [
      'two states with one value',
      (j) => (j.customers.columns.status.values.inactive = 1),
      'customers.columns.status.values.inactive repeats the value of customers.columns.status.values.active',
    ],
    [
      'a status without an active value',
      (j) => delete j.customers.columns.status.values.active,
      'customers.columns.status.values.active is missing',
    ],
    [
      'an unknown state',
      (j) => (j.customers.columns.status.values.banned = 9),
      'customers.columns.status.values.banned',
    ],
    [
      'one column for two fields',
      (j) => (j.customers.columns.phone = 'nome'),
      'customers.columns.phone uses column "nome", already mapped by customers.columns.name',
    ],
    [
      'a required address field mapped to null',
      (j) => (j.addresses.columns.city = null),
      'addresses.columns.city cannot be null',
    ],
    [
      'an empty default',
      (j) => (j.addresses.columns.country = { default: '' }),
      'addresses.columns.country.default must be a non-empty string',
    ],
    ['an address table without customerId', (j) => delete j.addresses.customerId, 'addresses.customerId is missing'],
    [
      'an unknown id strategy',
      (j) => (j.customers.ids = { strategy: 'uuid' }),
      'customers.ids.strategy must be "autoincrement" or "hilo" (got "uuid")',
    ],
    [
      'a block size without hilo',
      (j) => (j.addresses.ids = { strategy: 'autoincrement', blockSize: 10 }),
      'addresses.ids.blockSize is only meaningful with "strategy": "hilo"',
    ],
    [
      'hilo ids for addresses',
      (j) => (j.addresses.ids = { strategy: 'hilo', blockSize: 10 }),
      'addresses.ids.strategy must be "autoincrement": address ids are never exposed',
    ],
    [
      'a block size that is not a whole number',
      (j) => (j.customers.ids = { strategy: 'hilo', blockSize: 2.5 }),
      'customers.ids.blockSize must be a whole number between 1 and 1000000 (got 2.5)',
    ],
  ])('refuses %s, naming the entry', (_, change, message) => {
    const json = exampleMap();
    const replaced = change(json);
    expect(errorOf(Array.isArray(replaced) ? replaced : json)).toContain(message);
  });
});

describe('SCHEMA_MAP_FILE', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schema-map-'));
  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };

  it('loads the map for a MySQL database', () => {
    const file = write('good.json', JSON.stringify(exampleMap()));
    expect(loadSchemaMap(file).customers.table).toBe('clientes');
    const config = AppConfig.fromEnv({ DATABASE_URL: 'mysql://root@db:3306/legacy', SCHEMA_MAP_FILE: file });
    expect(config.schemaMap?.customers.table).toBe('clientes');
  });

  it('is optional: without it CustomerFlow runs on its own schema', () => {
    expect(AppConfig.fromEnv({}).schemaMap).toBeNull();
  });

  it.each([
    [
      'a file that is not there',
      () => join(dir, 'missing.json'),
      /SCHEMA_MAP_FILE .*missing\.json: \(the file\) cannot be read/,
    ],
    ['a file that is not JSON', () => write('bad.json', '{ "customers": '), /\(the file\) is not valid JSON/],
    [
      'a bad entry',
      () => write('entry.json', JSON.stringify({ ...exampleMap(), customers: { ...exampleMap().customers, id: 7 } })),
      /^Invalid configuration: SCHEMA_MAP_FILE .*entry\.json: customers\.id must be a column or table name \(.*\(got 7\)$/,
    ],
  ])('stops start-up on %s with one line', (_, file, message) => {
    expect(() => AppConfig.fromEnv({ DATABASE_URL: 'mysql://root@db:3306/legacy', SCHEMA_MAP_FILE: file() })).toThrow(
      message,
    );
  });

  it('is refused on SQLite, which runs on CustomerFlow’s own schema', () => {
    const file = write('sqlite.json', JSON.stringify(exampleMap()));
    expect(() => AppConfig.fromEnv({ SCHEMA_MAP_FILE: file })).toThrow(
      /SCHEMA_MAP_FILE is for an existing MySQL\/MariaDB database/,
    );
  });
});
