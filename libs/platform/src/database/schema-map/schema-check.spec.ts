import { checkSchema, type Finding, formatFindings, type LiveColumn, type LiveSchema } from './schema-check';
import { parseSchemaMap, type SchemaMap } from './schema-map';

const map: SchemaMap = parseSchemaMap({
  customers: {
    table: 'clientes',
    id: 'id_cliente',
    columns: {
      name: 'nome',
      email: 'email',
      phone: 'telefone',
      birthDate: 'dt_nascimento',
      document: { number: 'cpf_cnpj', format: 'masked', type: null },
      status: { column: 'situacao', values: { active: 'A', inactive: 'I' } },
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
      complement: null,
      district: 'bairro',
      city: 'cidade',
      state: 'uf',
      postalCode: 'cep',
      country: { default: 'BR' },
    },
  },
});

const text = (table: string, column: string, length: number, extra: Partial<LiveColumn> = {}): LiveColumn => ({
  table,
  column,
  dataType: 'varchar',
  columnType: `varchar(${length})`,
  maxLength: length,
  charset: 'utf8mb4',
  collation: 'utf8mb4_unicode_ci',
  nullable: true,
  ...extra,
});
const typed = (table: string, column: string, dataType: string): LiveColumn => ({
  table,
  column,
  dataType,
  columnType: dataType,
  maxLength: null,
  charset: null,
  collation: null,
  nullable: false,
});

/** A schema that satisfies the map in every respect; each test breaks one thing. */
function healthy(): { -readonly [K in keyof LiveSchema]: LiveSchema[K][number][] } {
  return {
    tables: [
      'clientes',
      'enderecos',
      'outbox_messages',
      'idempotency_keys',
      'hilo_sequences',
      'customerflow_customer_state',
      'customerflow_unique_claims',
      'inbox_messages',
    ],
    columns: [
      typed('clientes', 'id_cliente', 'int'),
      text('clientes', 'nome', 200, { nullable: false }),
      text('clientes', 'email', 254),
      text('clientes', 'telefone', 20),
      typed('clientes', 'dt_nascimento', 'date'),
      text('clientes', 'cpf_cnpj', 18),
      text('clientes', 'situacao', 1, { dataType: 'char', columnType: 'char(1)' }),
      typed('clientes', 'dt_cadastro', 'datetime'),
      typed('clientes', 'dt_atualizacao', 'timestamp'),
      typed('enderecos', 'id_endereco', 'int'),
      typed('enderecos', 'id_cliente', 'int'),
      text('enderecos', 'logradouro', 200),
      text('enderecos', 'numero', 20),
      text('enderecos', 'bairro', 100),
      text('enderecos', 'cidade', 100),
      text('enderecos', 'uf', 50),
      text('enderecos', 'cep', 16),
    ],
    indexes: [
      { table: 'clientes', name: 'ix1', columns: ['dt_cadastro'] },
      { table: 'clientes', name: 'ix2', columns: ['nome', 'id_cliente'] },
      { table: 'clientes', name: 'ix3', columns: ['email'] },
      { table: 'clientes', name: 'ix4', columns: ['cpf_cnpj'] },
      { table: 'enderecos', name: 'ix5', columns: ['id_cliente', 'id_endereco'] },
    ],
  };
}

const only = (findings: Finding[]) => {
  expect(findings).toHaveLength(1);
  return findings[0];
};

describe('checkSchema', () => {
  it('finds nothing on a schema that matches the map', () => {
    expect(checkSchema(map, healthy())).toEqual([]);
    expect(formatFindings([])).toBe('0 errors, 0 warning(s): CustomerFlow can run on this schema.');
  });

  it('reports a missing mapped table as an error, with a CREATE TABLE for the mapped columns', () => {
    const live = healthy();
    live.tables = live.tables.filter((t) => t !== 'enderecos');
    const finding = only(checkSchema(map, live));
    expect(finding).toMatchObject({ severity: 'error', kind: 'missing-table', entry: 'addresses' });
    expect(finding.fix).toContain('CREATE TABLE `enderecos` (');
    expect(finding.fix).toContain('`id_endereco` BIGINT NOT NULL AUTO_INCREMENT');
    expect(finding.fix).toContain('PRIMARY KEY (`id_endereco`)');
  });

  it('reports a table CustomerFlow owns that is missing as an error, fixed by the migrations', () => {
    const live = healthy();
    live.tables = live.tables.filter((t) => t !== 'customerflow_unique_claims');
    expect(only(checkSchema(map, live))).toMatchObject({
      severity: 'error',
      kind: 'missing-table',
      entry: "CustomerFlow's own tables",
      message: 'customerflow_unique_claims does not exist yet',
      fix: expect.stringContaining('npm run migration:run'),
    });
  });

  it('reports a missing column as an error, with the ADD COLUMN', () => {
    const live = healthy();
    live.columns = live.columns.filter((c) => c.column !== 'telefone');
    expect(only(checkSchema(map, live))).toEqual({
      severity: 'error',
      kind: 'missing-column',
      entry: 'customers.columns.phone',
      message: 'column clientes.telefone does not exist',
      fix: 'ALTER TABLE `clientes` ADD COLUMN `telefone` VARCHAR(16) NULL;',
    });
  });

  it.each<[string, string, string, string]>([
    ['a name in an integer column', 'nome', 'int', 'customers.columns.name'],
    ['a creation time in a DATE column', 'dt_cadastro', 'date', 'customers.columns.createdAt'],
    ['a birth date in a text column', 'dt_nascimento', 'varchar', 'customers.columns.birthDate'],
    ['text status values in a numeric column', 'situacao', 'tinyint', 'customers.columns.status.column'],
    ['an id that is not an integer', 'id_cliente', 'varchar', 'customers.id'],
  ])('reports a type that cannot hold the field as an error: %s', (_, column, dataType, entry) => {
    const live = healthy();
    live.columns = live.columns.map((c) =>
      c.table === 'clientes' && c.column === column ? { ...c, dataType, columnType: dataType } : c,
    );
    const finding = only(checkSchema(map, live));
    expect(finding).toMatchObject({ severity: 'error', kind: 'type', entry });
    expect(finding.fix).toMatch(new RegExp(`^ALTER TABLE \`clientes\` MODIFY \`${column}\` `));
  });

  it.each<[string, string, string, string]>([
    [
      'the list by creation time',
      'ix1',
      'customers.columns.createdAt',
      'CREATE INDEX `ix_clientes_dt_cadastro` ON `clientes` (`dt_cadastro`, `id_cliente`);',
    ],
    [
      'the list by name and the prefix search',
      'ix2',
      'customers.columns.name',
      'CREATE INDEX `ix_clientes_nome` ON `clientes` (`nome`, `id_cliente`);',
    ],
    [
      'the email lookups',
      'ix3',
      'customers.columns.email',
      'CREATE INDEX `ix_clientes_email` ON `clientes` (`email`);',
    ],
    [
      'the document lookups',
      'ix4',
      'customers.columns.document.number',
      'CREATE INDEX `ix_clientes_cpf_cnpj` ON `clientes` (`cpf_cnpj`);',
    ],
    [
      'the addresses of a customer',
      'ix5',
      'addresses.customerId',
      'CREATE INDEX `ix_enderecos_id_cliente` ON `enderecos` (`id_cliente`);',
    ],
  ])('reports a missing index for %s as a warning, with the CREATE INDEX', (_, index, entry, fix) => {
    const live = healthy();
    live.indexes = live.indexes.filter((i) => i.name !== index);
    expect(only(checkSchema(map, live))).toMatchObject({ severity: 'warning', kind: 'index', entry, fix });
  });

  it('does not count an index that has the column only in second place', () => {
    const live = healthy();
    live.indexes = live.indexes.map((i) => (i.name === 'ix3' ? { ...i, columns: ['nome', 'email'] } : i));
    expect(only(checkSchema(map, live))).toMatchObject({ kind: 'index', entry: 'customers.columns.email' });
  });

  it('reports a charset that cannot hold all of Unicode as a warning, with the MODIFY to utf8mb4', () => {
    const live = healthy();
    live.columns = live.columns.map((c) =>
      c.column === 'nome' ? { ...c, charset: 'utf8mb3', collation: 'utf8mb3_general_ci' } : c,
    );
    expect(only(checkSchema(map, live))).toMatchObject({
      severity: 'warning',
      kind: 'charset',
      entry: 'customers.columns.name',
      fix: 'ALTER TABLE `clientes` MODIFY `nome` varchar(200) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL;',
    });
  });

  it('reports a case-sensitive email collation as a warning', () => {
    const live = healthy();
    live.columns = live.columns.map((c) => (c.column === 'email' ? { ...c, collation: 'utf8mb4_bin' } : c));
    expect(only(checkSchema(map, live))).toMatchObject({
      severity: 'warning',
      kind: 'collation',
      entry: 'customers.columns.email',
    });
  });

  it('reports a column narrower than the model allows as a warning, widened by one MODIFY with the charset', () => {
    const live = healthy();
    live.columns = live.columns.map((c) =>
      c.column === 'cpf_cnpj' ? { ...c, columnType: 'varchar(14)', maxLength: 14, charset: 'latin1' } : c,
    );
    const findings = checkSchema(map, live);
    expect(findings.map((f) => f.kind)).toEqual(['charset', 'length']);
    expect(findings[1].message).toContain('holds 14 characters where CustomerFlow accepts 18');
    expect(findings[0].fix).toBe(findings[1].fix);
    expect(findings[1].fix).toBe(
      'ALTER TABLE `clientes` MODIFY `cpf_cnpj` VARCHAR(18) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL;',
    );
    expect(formatFindings(findings).match(/fix:/g)).toHaveLength(1);
  });

  it('puts errors first and ends with a verdict', () => {
    const live = healthy();
    live.indexes = [];
    live.columns = live.columns.filter((c) => c.column !== 'cep');
    const report = formatFindings(checkSchema(map, live)).split('\n');
    expect(report[0]).toBe('ERROR   addresses.columns.postalCode: column enderecos.cep does not exist');
    expect(report.at(-1)).toBe(
      '1 error(s), 5 warning(s): CustomerFlow cannot run on this schema until the errors are fixed.',
    );
  });
});
