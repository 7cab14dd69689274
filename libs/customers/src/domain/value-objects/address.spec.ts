import { anAddress } from '../testing/customer.mother';
import { thrownBy } from '../testing/thrown-by';
import { Address, InvalidAddress } from './address';
import { COUNTRY_CODES } from './country-codes';

function rejection(props: Parameters<typeof Address.of>[0]): InvalidAddress {
  const error = thrownBy(() => Address.of(props));
  expect(error).toBeInstanceOf(InvalidAddress);
  return error as InvalidAddress;
}

describe('Address', () => {
  it('trims its text fields', () => {
    const address = Address.of(anAddress({ street: '  Avenida Paulista ', city: ' São Paulo' }));

    expect(address.toProps()).toMatchObject({ street: 'Avenida Paulista', city: 'São Paulo' });
  });

  it('strips spaces from the postal code', () => {
    expect(Address.of(anAddress({ postalCode: ' 01310 200 ' })).toProps().postalCode).toBe('01310200');
  });

  it('keeps the postal code otherwise as given', () => {
    expect(Address.of(anAddress({ postalCode: 'SW1A-1aa' })).toProps().postalCode).toBe('SW1A-1aa');
  });

  it('upper-cases the country', () => {
    expect(Address.of(anAddress({ country: ' pt ' })).toProps().country).toBe('PT');
  });

  it('accepts a null complement', () => {
    expect(Address.of(anAddress({ complement: null })).toProps().complement).toBeNull();
  });

  it('treats a complement left out of the body as null', () => {
    const { complement: _, ...withoutComplement } = anAddress();

    expect(Address.of(withoutComplement as Parameters<typeof Address.of>[0]).toProps().complement).toBeNull();
  });

  it('rejects an empty complement', () => {
    expect(rejection(anAddress({ complement: ' ' }))).toMatchObject({
      field: 'complement',
      detail: 'Complement must be null or have 1 to 100 characters',
    });
  });

  it('lists 249 distinct officially assigned country codes', () => {
    expect(new Set(COUNTRY_CODES).size).toBe(249);
    expect(COUNTRY_CODES.every((code) => /^[A-Z]{2}$/.test(code))).toBe(true);
  });

  it('accepts every officially assigned country code', () => {
    const accepted = COUNTRY_CODES.filter(
      (code) => Address.of(anAddress({ country: code })).toProps().country === code,
    );

    expect(accepted).toHaveLength(249);
  });

  it.each(['UK', 'EU', 'XK', 'ZZ', 'AN', 'BRA', 'B', ''])(
    'rejects the country %p, not officially assigned',
    (country) => {
      expect(rejection(anAddress({ country }))).toMatchObject({
        field: 'country',
        detail: 'Country must be an officially assigned ISO 3166-1 alpha-2 code, like BR or PT',
      });
    },
  );

  it.each([
    ['street', 201],
    ['number', 21],
    ['district', 101],
    ['city', 101],
    ['state', 51],
    ['postalCode', 17],
    ['complement', 101],
  ] as const)('rejects a %s longer than its limit', (field, length) => {
    expect(rejection(anAddress({ [field]: 'x'.repeat(length) })).field).toBe(field);
  });

  it.each(['street', 'number', 'district', 'city', 'state', 'postalCode'] as const)('rejects a blank %s', (field) => {
    expect(rejection(anAddress({ [field]: '  ' })).field).toBe(field);
  });

  it('accepts each field at its length limit', () => {
    const atLimit = anAddress({
      street: 's'.repeat(200),
      number: 'n'.repeat(20),
      complement: 'c'.repeat(100),
      district: 'd'.repeat(100),
      city: 'c'.repeat(100),
      state: 's'.repeat(50),
      postalCode: 'p'.repeat(16),
    });

    expect(Address.of(atLimit).toProps()).toEqual(atLimit);
  });

  it('rejects a control character in a text field', () => {
    expect(rejection(anAddress({ street: 'Avenida\nPaulista' }))).toMatchObject({
      field: 'street',
      detail: 'Street must not contain control characters',
    });
  });

  it('reports every invalid field at once, naming the first in `field`', () => {
    const error = rejection(anAddress({ street: '', country: 'XX' }));

    expect(error.field).toBe('street');
    expect(error.problems.map((p) => p.field)).toEqual(['street', 'country']);
  });

  it('equals an address with the same values', () => {
    expect(Address.of(anAddress()).equals(Address.of(anAddress({ country: 'br' })))).toBe(true);
  });

  it('differs from an address with another complement', () => {
    expect(Address.of(anAddress()).equals(Address.of(anAddress({ complement: null })))).toBe(false);
  });
});
