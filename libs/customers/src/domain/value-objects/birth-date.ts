/**
 * A customer's date of birth, as a calendar date without time zone ('YYYY-MM-DD'). It must be a real date, not in
 * the future and not before 1900, which catches typos such as 1090 or 2090 for 1990.
 */
import { InvalidValue } from './invalid-value';
import { requireText } from './text';

const EARLIEST = '1900-01-01';

export class BirthDate {
  private constructor(readonly value: string) {}

  /** `today` decides what "the future" is; it is compared as a UTC date, like the stored value. */
  static of(raw: string, today: Date): BirthDate {
    const value = requireText(raw, 'Birth date').trim();
    const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!match) throw new InvalidValue('Birth date must be a date like 1990-04-01 (YYYY-MM-DD)');
    // ISO dates compare correctly as strings, and checking the bound first keeps Date.UTC away from years < 100.
    if (value < EARLIEST) throw new InvalidValue(`Birth date must not be before ${EARLIEST}`);
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const date = new Date(Date.UTC(year, month - 1, day));
    // Date.UTC rolls 2023-02-29 over to 2023-03-01; a date that does not round-trip does not exist.
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      throw new InvalidValue(`Birth date ${value} is not a date in the calendar`);
    }
    if (value > today.toISOString().slice(0, 10)) throw new InvalidValue('Birth date must not be in the future');
    return new BirthDate(value);
  }

  /** Rebuilds a stored value without checking it: it was checked when written, and must load even if rules tighten. */
  static restore(value: string): BirthDate {
    return new BirthDate(value);
  }

  equals(other: BirthDate): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}
