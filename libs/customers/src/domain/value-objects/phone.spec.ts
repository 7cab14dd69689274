import { thrownBy } from '../testing/thrown-by';
import { InvalidValue } from './invalid-value';
import { Phone } from './phone';

describe('Phone', () => {
  it('accepts an E.164 number', () => {
    expect(Phone.of('+5511987654321').value).toBe('+5511987654321');
  });

  it('trims surrounding whitespace', () => {
    expect(Phone.of(' +5511987654321\n').value).toBe('+5511987654321');
  });

  it('accepts the shortest number, 8 digits', () => {
    expect(Phone.of('+12345678').value).toBe('+12345678');
  });

  it('accepts the longest number, 15 digits', () => {
    expect(Phone.of('+123456789012345').value).toBe('+123456789012345');
  });

  it.each([
    '5511987654321',
    '+55 11 98765-4321',
    '+55-11-987654321',
    '+55(11)987654321',
    '+0511987654321',
    '+1234567',
    '+1234567890123456',
    '',
  ])('rejects %p, explaining the E.164 format expected', (raw) => {
    const error = thrownBy(() => Phone.of(raw));

    expect(error).toBeInstanceOf(InvalidValue);
    expect((error as InvalidValue).detail).toMatch(/E\.164 format, like \+5511987654321/);
  });

  it('equals the same number', () => {
    expect(Phone.of('+5511987654321').equals(Phone.of(' +5511987654321'))).toBe(true);
  });
});
