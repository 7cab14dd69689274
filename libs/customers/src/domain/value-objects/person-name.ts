/** A customer's name as they want to be addressed: free text, trimmed, 1 to 200 characters. */
import { InvalidValue } from './invalid-value';
import { codePointLength, hasControlCharacters, requireText } from './text';

const MAX_LENGTH = 200;

export class PersonName {
  private constructor(readonly value: string) {}

  static of(raw: string): PersonName {
    const value = requireText(raw, 'Name').trim();
    const length = codePointLength(value);
    if (length < 1 || length > MAX_LENGTH) {
      throw new InvalidValue(`Name must have 1 to ${MAX_LENGTH} characters, it has ${length}`);
    }
    // Names are shown on screens, letters and logs; a newline or NUL in one is never intended.
    if (hasControlCharacters(value)) throw new InvalidValue('Name must not contain control characters');
    return new PersonName(value);
  }

  /** Rebuilds a stored value without checking it: it was checked when written, and must load even if rules tighten. */
  static restore(value: string): PersonName {
    return new PersonName(value);
  }

  equals(other: PersonName): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}
