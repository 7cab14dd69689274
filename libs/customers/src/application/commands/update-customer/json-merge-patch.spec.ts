import { applyMergePatch } from './json-merge-patch';

describe('applyMergePatch (RFC 7396)', () => {
  it('replaces, adds and removes members', () => {
    expect(applyMergePatch({ a: 'b', c: { d: 'e', f: 'g' } }, { a: 'z', c: { f: null } })).toEqual({
      a: 'z',
      c: { d: 'e' },
    });
  });

  it('replaces arrays whole', () => {
    expect(applyMergePatch({ addresses: [{ city: 'A' }, { city: 'B' }] }, { addresses: [{ city: 'C' }] })).toEqual({
      addresses: [{ city: 'C' }],
    });
  });

  it('merges a partial nested object into the current one', () => {
    expect(applyMergePatch({ document: { type: 'CPF', number: '1' } }, { document: { number: '2' } })).toEqual({
      document: { type: 'CPF', number: '2' },
    });
  });

  it('leaves the target untouched', () => {
    const target = { name: 'Ana' };
    applyMergePatch(target, { name: 'Bia' });
    expect(target).toEqual({ name: 'Ana' });
  });
});
