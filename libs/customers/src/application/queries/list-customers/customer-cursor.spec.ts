import {
  type CustomerCursor,
  type CustomerSort,
  decodeCustomerCursor,
  encodeCustomerCursor,
  InvalidCustomerCursor,
} from './customer-cursor';

const base64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidCustomerCursor) return error.reason;
    throw error;
  }
  return 'accepted';
}

describe('customer cursor', () => {
  it.each<CustomerCursor>([
    { sort: '-createdAt', value: '2026-01-31T12:00:00.000Z', id: '42' },
    { sort: 'createdAt', value: '1999-12-31T23:59:59.999Z', id: '9223372036854775807' },
    { sort: 'name', value: 'Ána "Maria" 100%_\\ Souza 🙂', id: '1' },
    { sort: '-name', value: 'x', id: '7' },
  ])('round-trips %j through an opaque URL-safe string', (cursor) => {
    const text = encodeCustomerCursor(cursor);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCustomerCursor(text, cursor.sort)).toEqual(cursor);
  });

  it('refuses a cursor issued for another sort, saying which sort it belongs to', () => {
    const text = encodeCustomerCursor({ sort: 'name', value: 'Ana', id: '3' });
    expect(reasonOf(() => decodeCustomerCursor(text, '-name'))).toBe('sort-mismatch');
    expect(() => decodeCustomerCursor(text, '-name')).toThrow(/sorted by name; repeat the request with sort=name/);
  });

  const valid = { v: 1, s: '-createdAt', k: '2026-01-31T12:00:00.000Z', i: '42' };
  it.each<[string, string, CustomerSort?]>([
    ['empty', ''],
    ['not base64url', 'abc+/='],
    ['not JSON', base64url('hello')],
    ['a JSON array', base64url('[1,2]')],
    ['JSON null', base64url('null')],
    ['another format version', base64url(JSON.stringify({ ...valid, v: 2 }))],
    ['an unknown sort', base64url(JSON.stringify({ ...valid, s: 'email' }))],
    ['an extra field', base64url(JSON.stringify({ ...valid, x: 1 }))],
    ['a missing field', base64url(JSON.stringify({ v: 1, s: '-createdAt', k: valid.k }))],
    ['a numeric id', base64url(JSON.stringify({ ...valid, i: 42 }))],
    ['an id with SQL in it', base64url(JSON.stringify({ ...valid, i: '1 OR 1=1' }))],
    ['id zero', base64url(JSON.stringify({ ...valid, i: '0' }))],
    ['an id of 20 digits', base64url(JSON.stringify({ ...valid, i: '12345678901234567890' }))],
    ['an id one above 2^63-1', base64url(JSON.stringify({ ...valid, i: '9223372036854775808' }))],
    ['an id of 19 nines', base64url(JSON.stringify({ ...valid, i: '9999999999999999999' }))],
    ['a date that does not exist', base64url(JSON.stringify({ ...valid, k: '2026-02-30T12:00:00.000Z' }))],
    ['a date without milliseconds', base64url(JSON.stringify({ ...valid, k: '2026-01-31T12:00:00Z' }))],
    ['a date that is not a string', base64url(JSON.stringify({ ...valid, k: 1769860800000 }))],
    ['an empty name', base64url(JSON.stringify({ v: 1, s: 'name', k: '', i: '1' })), 'name'],
    ['a name over 200 characters', base64url(JSON.stringify({ v: 1, s: 'name', k: 'a'.repeat(201), i: '1' })), 'name'],
    ['over 1024 characters', 'A'.repeat(1025)],
  ])('rejects a cursor with %s as malformed', (_label, text, sort = '-createdAt') => {
    expect(reasonOf(() => decodeCustomerCursor(text, sort))).toBe('malformed');
  });

  it('accepts the largest id the databases store, 2^63-1', () => {
    const text = base64url(JSON.stringify({ ...valid, i: '9223372036854775807' }));
    expect(decodeCustomerCursor(text, '-createdAt').id).toBe('9223372036854775807');
  });

  it('rejects a cursor that was cut short or had a character changed', () => {
    const text = encodeCustomerCursor({ sort: '-createdAt', value: '2026-01-31T12:00:00.000Z', id: '42' });
    expect(reasonOf(() => decodeCustomerCursor(text.slice(0, -1), '-createdAt'))).toBe('malformed');
    expect(reasonOf(() => decodeCustomerCursor(text.slice(0, -3), '-createdAt'))).toBe('malformed');
    const flipped = `${text.slice(0, 10)}${text[10] === 'A' ? 'B' : 'A'}${text.slice(11)}`;
    expect(reasonOf(() => decodeCustomerCursor(flipped, '-createdAt'))).toBe('malformed');
  });
});
