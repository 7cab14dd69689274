import { parseSchemaMap } from '@customerflow/platform';
import { entityTagOf } from '../customer-representation';
import { legacyState, MappedCustomerTables, maskDocument } from './customer-tables';

const map = parseSchemaMap({
  customers: {
    table: 'pessoas',
    id: 'cod',
    columns: {
      name: 'nome',
      email: 'e_mail',
      phone: null,
      birthDate: 'nascimento',
      document: { number: 'doc', format: 'masked', type: null },
      status: { column: 'situacao', values: { active: 'A', inactive: 'I' } },
      createdAt: 'criado',
      updatedAt: null,
      version: null,
      erasedAt: null,
    },
  },
  addresses: null,
});
const tables = new MappedCustomerTables(map);

const legacyRow = (overrides: Record<string, unknown> = {}) => ({
  id: '7',
  name: 'Ana',
  email: 'Ana@Example.COM',
  phone: null,
  document_type: null,
  document_number: '529.982.247-25',
  birth_date: '0000-00-00',
  legacy_status: 'A',
  own_status: null,
  version: '1',
  created_at: new Date('2020-01-01T10:00:00Z'),
  updated_at: new Date('2020-01-01T10:00:00Z'),
  erased_at: null,
  row_digest: '0123456789abcdef0123456789abcdef',
  ...overrides,
});

describe('MappedCustomerTables', () => {
  it('serves a legacy row as stored, without the document mask, with an ETag of version and digest', () => {
    const view = tables.toView(legacyRow(), []);
    expect(view).toMatchObject({
      id: '7',
      email: 'Ana@Example.COM',
      document: { type: 'CPF', number: '52998224725' },
      birthDate: null, // MySQL's zero date
      status: 'active',
      version: 1,
    });
    expect(entityTagOf(view)).toBe('1.0123456789abcdef');
  });

  it('types a 14-character document as CNPJ and anything else as CPF', () => {
    expect(tables.toView(legacyRow({ document_number: '11.222.333/0001-81' }), []).document).toEqual({
      type: 'CNPJ',
      number: '11222333000181',
    });
    expect(tables.toView(legacyRow({ document_number: '123' }), []).document).toEqual({ type: 'CPF', number: '123' });
    expect(tables.toView(legacyRow({ document_number: ' ' }), []).document).toBeNull();
  });

  it('takes the state from CustomerFlow’s own record first, then from the legacy value', () => {
    expect(tables.statusOf(legacyRow({ own_status: 'erased' }))).toBe('erased');
    expect(tables.statusOf(legacyRow({ legacy_status: 'I' }))).toBe('inactive');
    expect(tables.statusOf(legacyRow({ legacy_status: 'Z' }))).toBe('inactive');
  });

  it('filters states with conditions that are never NULL, whatever the legacy value', () => {
    expect(tables.statusIs('active').sql).toBe(
      "(COALESCE(s.status, '') = 'active' OR (s.status IS NULL AND c.`situacao` <=> 'A'))",
    );
    expect(tables.statusIs('inactive').sql).toBe(
      "(COALESCE(s.status, '') = 'inactive' OR (s.status IS NULL AND NOT (c.`situacao` <=> 'A')))",
    );
    expect(tables.notErased).toBe("NOT ((COALESCE(s.status, '') = 'erased' OR (s.status IS NULL AND FALSE)))");
  });

  it('compares a masked document column in both forms, so its index serves the lookup', () => {
    expect(tables.documentIs('52998224725')).toEqual({
      sql: 'c.`doc` IN (?, ?)',
      parameters: ['529.982.247-25', '52998224725'],
    });
  });
});

describe('legacy values', () => {
  it('masks CPF and CNPJ the way legacy forms stored them', () => {
    expect(maskDocument('52998224725')).toBe('529.982.247-25');
    expect(maskDocument('11222333000181')).toBe('11.222.333/0001-81');
    expect(maskDocument('12ABC34501DE35')).toBe('12.ABC.345/01DE-35');
  });

  it('compares numeric and string legacy values alike', () => {
    const status = { column: 'ativo', values: { active: 1, inactive: 0, erased: 9 } };
    expect(legacyState(status, '1')).toBe('active');
    expect(legacyState(status, 9)).toBe('erased');
    expect(legacyState(status, null)).toBe('inactive');
  });
});
