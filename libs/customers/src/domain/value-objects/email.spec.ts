import { thrownBy } from '../testing/thrown-by';
import { Email } from './email';
import { InvalidValue } from './invalid-value';

function rejection(raw: string): InvalidValue {
  const error = thrownBy(() => Email.of(raw));
  expect(error).toBeInstanceOf(InvalidValue);
  return error as InvalidValue;
}

describe('Email', () => {
  it('trims and lower-cases the address', () => {
    expect(Email.of('  Ana.Souza@Example.COM ').value).toBe('ana.souza@example.com');
  });

  it('accepts every special character the RFC allows before the @', () => {
    const raw = "o'brien+tag!#$%&*/=?^_`{|}~-@example.com";

    expect(Email.of(raw).value).toBe(raw);
  });

  it('accepts subdomains, digits and inner hyphens in the domain', () => {
    expect(Email.of('ana@mail-1.my-company.com.br').value).toBe('ana@mail-1.my-company.com.br');
  });

  it('accepts an address of exactly 254 characters', () => {
    const raw = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(57)}.com`;

    expect(Email.of(raw).value).toHaveLength(254);
  });

  it('rejects an address of 255 characters', () => {
    const raw = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`;

    expect(rejection(raw).detail).toMatch(/at most 254 characters/);
  });

  it('equals the same address written in other case and spacing', () => {
    expect(Email.of(' ANA@example.com').equals(Email.of('ana@EXAMPLE.com'))).toBe(true);
  });

  it.each([
    ['', /is required/],
    ['   ', /is required/],
    ['ana.example.com', /exactly one @/],
    ['ana@souza@example.com', /exactly one @/],
    ['@example.com', /1 to 64 characters before the @/],
    [`${'a'.repeat(65)}@example.com`, /1 to 64 characters before the @/],
    ['.ana@example.com', /must not start or end with a dot/],
    ['ana.@example.com', /must not start or end with a dot/],
    ['ana..souza@example.com', /two dots in a row/],
    ['ana souza@example.com', /character before the @ that is not allowed/],
    ['ana(souza)@example.com', /character before the @ that is not allowed/],
    ['"ana"@example.com', /character before the @ that is not allowed/],
    ['ana@localhost', /at least one dot/],
    ['ana@-example.com', /not start or end with a hyphen/],
    ['ana@example-.com', /not start or end with a hyphen/],
    ['ana@exam_ple.com', /letters, digits or hyphens/],
    ['ana@example..com', /1 to 63 letters/],
    ['ana@example.com.', /1 to 63 letters/],
    [`ana@${'b'.repeat(64)}.com`, /1 to 63 letters/],
    ['ana@[192.168.0.1]', /letters, digits or hyphens/],
    ['ana@example.c', /top-level domain of 2 or more letters/],
    ['ana@example.123', /top-level domain of 2 or more letters/],
    ['josé@example.com', /ASCII characters only/],
    ['ana@exämple.com', /ASCII characters only/],
    // The Kelvin sign lower-cases to an ASCII "k": it must be refused before normalisation, not after.
    ['\u212Aate@example.com', /ASCII characters only/],
  ])('rejects %p', (raw, detail) => {
    expect(rejection(raw).detail).toMatch(detail);
  });

  it('rejects a value that is not a string', () => {
    expect(rejection(42 as unknown as string).detail).toBe('Email must be a string');
  });
});
