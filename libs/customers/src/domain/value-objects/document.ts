/**
 * A Brazilian tax document: CPF for people, CNPJ for companies. Stored without punctuation (CNPJ upper-cased),
 * which is the form that is compared and kept unique. Check digits are verified so that typos are caught at the
 * door instead of by the tax authority later.
 */
import { InvalidValue } from './invalid-value';
import { requireText } from './text';

export type DocumentType = 'CPF' | 'CNPJ';

export const DOCUMENT_TYPES: readonly DocumentType[] = ['CPF', 'CNPJ'];

/** An InvalidValue that says which part of the document is wrong, so callers can point at it. */
export class InvalidDocument extends InvalidValue {
  constructor(
    readonly field: 'type' | 'number',
    detail: string,
  ) {
    super(detail);
  }
}

export class Document {
  private constructor(
    readonly type: DocumentType,
    readonly number: string,
  ) {}

  static of(type: string, number: string): Document {
    if (type !== 'CPF' && type !== 'CNPJ') throw new InvalidDocument('type', 'Document type must be CPF or CNPJ');
    const raw = requireTextOf(number);
    return type === 'CPF' ? new Document('CPF', cpf(raw)) : new Document('CNPJ', cnpj(raw));
  }

  /** Rebuilds a stored value without checking it: it was checked when written, and must load even if rules tighten. */
  static restore(type: DocumentType, number: string): Document {
    return new Document(type, number);
  }

  equals(other: Document): boolean {
    return this.type === other.type && this.number === other.number;
  }

  toString(): string {
    return `${this.type} ${this.number}`;
  }
}

/** The two check digits of a CPF whose first 9 digits are given. */
export function cpfCheckDigits(first9: string): string {
  const values = [...first9].map(charValue);
  const first = mod11CheckDigit(values, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = mod11CheckDigit([...values, first], [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return `${first}${second}`;
}

/**
 * The two check digits of a CNPJ whose first 12 characters are given, numeric or the 2026 alphanumeric form
 * (Receita Federal IN 2.229/2024). Each character is worth its ASCII code minus 48, so digits keep their value and
 * 'A'..'Z' are 17..42; for an all-digit CNPJ this is exactly the classic algorithm.
 */
export function cnpjCheckDigits(first12: string): string {
  const values = [...first12].map(charValue);
  const first = mod11CheckDigit(values, [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = mod11CheckDigit([...values, first], [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  return `${first}${second}`;
}

function requireTextOf(number: string): string {
  try {
    return requireText(number, 'Document number').trim();
  } catch (error) {
    throw error instanceof InvalidValue ? new InvalidDocument('number', error.detail) : error;
  }
}

function cpf(raw: string): string {
  const digits = raw.replace(/[.-]/g, '');
  if (!/^\d{11}$/.test(digits)) {
    throw new InvalidDocument('number', 'A CPF has 11 digits, like 529.982.247-25 or 52998224725');
  }
  // Repeated digits pass the mod-11 test (11111111111 does) but are never issued.
  if (/^(\d)\1{10}$/.test(digits)) throw new InvalidDocument('number', 'A CPF cannot have all digits equal');
  if (cpfCheckDigits(digits.slice(0, 9)) !== digits.slice(9)) {
    throw new InvalidDocument('number', 'The CPF check digits do not match; please check the number');
  }
  return digits;
}

function cnpj(raw: string): string {
  const chars = raw.replace(/[./-]/g, '').toUpperCase();
  if (!/^[0-9A-Z]{12}\d{2}$/.test(chars)) {
    throw new InvalidDocument(
      'number',
      'A CNPJ has 14 characters: 12 letters or digits and 2 check digits, like 11.222.333/0001-81 or 12ABC34501DE35',
    );
  }
  if (/^(\d)\1{13}$/.test(chars)) throw new InvalidDocument('number', 'A CNPJ cannot have all digits equal');
  if (cnpjCheckDigits(chars.slice(0, 12)) !== chars.slice(12)) {
    throw new InvalidDocument('number', 'The CNPJ check digits do not match; please check the number');
  }
  return chars;
}

function charValue(char: string): number {
  return char.charCodeAt(0) - 48;
}

function mod11CheckDigit(values: readonly number[], weights: readonly number[]): number {
  const sum = values.reduce((total, value, i) => total + value * weights[i], 0);
  const remainder = sum % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}
