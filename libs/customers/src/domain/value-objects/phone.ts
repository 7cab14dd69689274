/**
 * A customer's phone number in E.164 form (+, country code, subscriber number; at most 15 digits). One canonical
 * form keeps numbers comparable and dialable by any SMS or voice provider, so formatted input is refused rather
 * than guessed at.
 */
import { InvalidValue } from './invalid-value';
import { requireText } from './text';

const E164 = /^\+[1-9]\d{7,14}$/;

export class Phone {
  private constructor(readonly value: string) {}

  static of(raw: string): Phone {
    const value = requireText(raw, 'Phone').trim();
    if (!E164.test(value)) {
      throw new InvalidValue(
        'Phone must be in E.164 format, like +5511987654321: a plus sign and 8 to 15 digits, without spaces or dashes',
      );
    }
    return new Phone(value);
  }

  /** Rebuilds a stored value without checking it: it was checked when written, and must load even if rules tighten. */
  static restore(value: string): Phone {
    return new Phone(value);
  }

  equals(other: Phone): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }
}
