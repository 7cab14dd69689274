/**
 * A postal address of a customer. Text fields are trimmed and length-checked against their columns; the country is
 * an officially assigned ISO 3166-1 alpha-2 code so that shipping and tax systems can rely on it.
 */
import { COUNTRY_CODES } from './country-codes';
import { InvalidValue } from './invalid-value';
import { codePointLength, hasControlCharacters, requireText } from './text';

export interface AddressProps {
  readonly street: string;
  readonly number: string;
  readonly complement: string | null;
  readonly district: string;
  readonly city: string;
  readonly state: string;
  readonly postalCode: string;
  readonly country: string;
}

export interface AddressProblem {
  readonly field: keyof AddressProps;
  readonly detail: string;
}

/**
 * Thrown by Address.of. `field` names the first invalid field; `problems` lists every invalid field, so a request
 * with several mistakes in one address gets all of them reported at once.
 */
export class InvalidAddress extends InvalidValue {
  readonly field: keyof AddressProps;

  constructor(readonly problems: readonly [AddressProblem, ...AddressProblem[]]) {
    super(problems.map((p) => p.detail).join('; '));
    this.field = problems[0].field;
  }
}

const COUNTRIES: ReadonlySet<string> = new Set(COUNTRY_CODES);

export class Address {
  private constructor(private readonly props: AddressProps) {}

  static of(props: AddressProps): Address {
    const problems: AddressProblem[] = [];
    const check = <T>(field: keyof AddressProps, parse: () => T): T => {
      try {
        return parse();
      } catch (error) {
        if (!(error instanceof InvalidValue)) throw error;
        problems.push({ field, detail: error.detail });
        return undefined as T; // never used: the problems are thrown below
      }
    };
    const given: Partial<AddressProps> = props ?? {};
    const address: AddressProps = {
      street: check('street', () => boundedText(given.street, 'Street', 200)),
      number: check('number', () => boundedText(given.number, 'Number', 20)),
      complement: check('complement', () => optionalComplement(given.complement)),
      district: check('district', () => boundedText(given.district, 'District', 100)),
      city: check('city', () => boundedText(given.city, 'City', 100)),
      state: check('state', () => boundedText(given.state, 'State', 50)),
      postalCode: check('postalCode', () => postalCodeOf(given.postalCode)),
      country: check('country', () => countryOf(given.country)),
    };
    const [first, ...rest] = problems;
    if (first) throw new InvalidAddress([first, ...rest]);
    return new Address(Object.freeze(address));
  }

  /** Rebuilds a stored value without checking it: it was checked when written, and must load even if rules tighten. */
  static restore(props: AddressProps): Address {
    return new Address(Object.freeze({ ...props }));
  }

  toProps(): AddressProps {
    return { ...this.props };
  }

  equals(other: Address): boolean {
    const a = this.props;
    const b = other.props;
    return (
      a.street === b.street &&
      a.number === b.number &&
      a.complement === b.complement &&
      a.district === b.district &&
      a.city === b.city &&
      a.state === b.state &&
      a.postalCode === b.postalCode &&
      a.country === b.country
    );
  }

  toString(): string {
    const { street, number, complement, district, city, state, postalCode, country } = this.props;
    return [`${street}, ${number}`, complement, district, `${city} - ${state}`, postalCode, country]
      .filter((part) => part !== null)
      .join(', ');
  }
}

function boundedText(raw: unknown, label: string, max: number): string {
  const value = requireText(raw, label).trim();
  const length = codePointLength(value);
  if (length < 1 || length > max) throw new InvalidValue(`${label} must have 1 to ${max} characters, it has ${length}`);
  if (hasControlCharacters(value)) throw new InvalidValue(`${label} must not contain control characters`);
  return value;
}

function optionalComplement(raw: unknown): string | null {
  // A JSON body may simply leave the complement out; that means the same as null.
  if (raw === undefined || raw === null) return null;
  const value = requireText(raw, 'Complement').trim();
  const length = codePointLength(value);
  if (length < 1 || length > 100) throw new InvalidValue('Complement must be null or have 1 to 100 characters');
  if (hasControlCharacters(value)) throw new InvalidValue('Complement must not contain control characters');
  return value;
}

function postalCodeOf(raw: unknown): string {
  // Spaces are typing noise ("01310 100"); hyphens and letters are kept because some countries' formats need them.
  const value = requireText(raw, 'Postal code').replace(/\s/g, '');
  const length = codePointLength(value);
  if (length < 1 || length > 16) throw new InvalidValue(`Postal code must have 1 to 16 characters, it has ${length}`);
  return value;
}

function countryOf(raw: unknown): string {
  const value = requireText(raw, 'Country').trim().toUpperCase();
  if (!COUNTRIES.has(value)) {
    throw new InvalidValue('Country must be an officially assigned ISO 3166-1 alpha-2 code, like BR or PT');
  }
  return value;
}
