/**
 * Text checks shared by the value objects. Request bodies are JSON, so a field typed `string` may still arrive as a
 * number or be missing; these helpers turn that into an InvalidValue instead of a TypeError deep inside a check.
 */
import { InvalidValue } from './invalid-value';

/** The raw input as a string, or an InvalidValue saying that `label` is missing or not text. */
export function requireText(raw: unknown, label: string): string {
  if (raw === undefined || raw === null) throw new InvalidValue(`${label} is required`);
  if (typeof raw !== 'string') throw new InvalidValue(`${label} must be a string`);
  // JSON can carry an unpaired surrogate ("\ud800"); stored as UTF-8 it would silently become U+FFFD.
  if (UNPAIRED_SURROGATE.test(raw))
    throw new InvalidValue(`${label} must be valid Unicode text (it has an unpaired surrogate)`);
  return raw;
}

const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Length in Unicode code points, not UTF-16 units, so "😀" counts once: that is how MySQL counts characters in a
 * utf8mb4 VARCHAR(n) column, and the limits here must match the columns.
 */
export function codePointLength(text: string): number {
  return [...text].length;
}

export function hasControlCharacters(text: string): boolean {
  return /\p{Cc}/u.test(text);
}
