import { FixedClock } from '../clock';
import { thrownBy } from '../testing/thrown-by';
import { BirthDate } from './birth-date';
import { InvalidValue } from './invalid-value';

const clock = new FixedClock(new Date('2025-06-15T12:00:00.000Z'));

function rejection(raw: string, today = clock.now()): InvalidValue {
  const error = thrownBy(() => BirthDate.of(raw, today));
  expect(error).toBeInstanceOf(InvalidValue);
  return error as InvalidValue;
}

describe('BirthDate', () => {
  it('accepts a past date', () => {
    expect(BirthDate.of('1990-04-01', clock.now()).value).toBe('1990-04-01');
  });

  it('accepts today', () => {
    expect(BirthDate.of('2025-06-15', clock.now()).value).toBe('2025-06-15');
  });

  it('rejects tomorrow', () => {
    expect(rejection('2025-06-16').detail).toBe('Birth date must not be in the future');
  });

  it('decides "today" in UTC: late evening in São Paulo is already the next day', () => {
    const saoPauloEvening = new FixedClock(new Date('2025-06-15T23:30:00-03:00'));

    expect(BirthDate.of('2025-06-16', saoPauloEvening.now()).value).toBe('2025-06-16');
  });

  it('follows the clock as it moves', () => {
    const moving = new FixedClock(new Date('2025-06-15T12:00:00.000Z'));
    moving.advance(24 * 60 * 60 * 1000);

    expect(BirthDate.of('2025-06-16', moving.now()).value).toBe('2025-06-16');
  });

  it('accepts 29 February of a leap year', () => {
    expect(BirthDate.of('2024-02-29', clock.now()).value).toBe('2024-02-29');
  });

  it.each(['2023-02-29', '1990-04-31', '1990-13-01', '1990-00-10', '1990-01-00'])(
    'rejects %s, which is not in the calendar',
    (raw) => {
      expect(rejection(raw).detail).toBe(`Birth date ${raw} is not a date in the calendar`);
    },
  );

  it('accepts 1900-01-01', () => {
    expect(BirthDate.of('1900-01-01', clock.now()).value).toBe('1900-01-01');
  });

  it.each(['1899-12-31', '0990-04-01'])('rejects %s, before 1900', (raw) => {
    expect(rejection(raw).detail).toBe('Birth date must not be before 1900-01-01');
  });

  it.each(['01/04/1990', '1990-4-1', '1990-04-01T00:00:00Z', '19900401', ''])('rejects the format of %p', (raw) => {
    expect(rejection(raw).detail).toBe('Birth date must be a date like 1990-04-01 (YYYY-MM-DD)');
  });
});
