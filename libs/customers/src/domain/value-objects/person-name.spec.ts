import { thrownBy } from '../testing/thrown-by';
import { InvalidValue } from './invalid-value';
import { PersonName } from './person-name';

function rejection(raw: string): InvalidValue {
  const error = thrownBy(() => PersonName.of(raw));
  expect(error).toBeInstanceOf(InvalidValue);
  return error as InvalidValue;
}

describe('PersonName', () => {
  it('trims the name', () => {
    expect(PersonName.of('  Ana Souza ').value).toBe('Ana Souza');
  });

  it('keeps accents and letters of any script', () => {
    expect(PersonName.of('José Ümit 山田').value).toBe('José Ümit 山田');
  });

  it('counts characters, not UTF-16 units: 200 emoji fit', () => {
    expect(PersonName.of('😀'.repeat(200)).value).toHaveLength(400);
  });

  it('rejects 201 characters', () => {
    expect(rejection('a'.repeat(201)).detail).toBe('Name must have 1 to 200 characters, it has 201');
  });

  it('rejects a blank name', () => {
    expect(rejection('   ').detail).toBe('Name must have 1 to 200 characters, it has 0');
  });

  it.each(['Ana\nSouza', 'Ana\u0000', 'Ana\tSouza'])('rejects the control character in %p', (raw) => {
    expect(rejection(raw).detail).toBe('Name must not contain control characters');
  });

  it('rejects a missing name', () => {
    expect(rejection(undefined as unknown as string).detail).toBe('Name is required');
  });
});
