/**
 * What the live legacy columns can hold (information_schema, read once at start-up), so that a value they cannot
 * store is a 400 naming the field before the write, not a strict-mode error (500) or a silently mangled value:
 * an emoji into a utf8mb3 column, a name longer than the legacy VARCHAR.
 */
import type { DataSource } from 'typeorm';
import { textOf } from '@customerflow/platform';
import type { Violation } from '../../domain';

export interface ColumnFacts {
  readonly dataType: string;
  readonly maxLength: number | null;
  readonly charset: string | null;
  readonly nullable: boolean;
}

export class LegacyColumns {
  private constructor(private readonly facts: ReadonlyMap<string, ColumnFacts>) {}

  static async load(dataSource: DataSource, tables: readonly string[]): Promise<LegacyColumns> {
    const rows: Record<string, unknown>[] = await dataSource.query(
      `SELECT TABLE_NAME AS t, COLUMN_NAME AS c, DATA_TYPE AS type, CHARACTER_MAXIMUM_LENGTH AS len,
              CHARACTER_SET_NAME AS charset, IS_NULLABLE AS nullable
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME IN (${tables.map(() => '?').join(', ')})`,
      [...tables],
    );
    const facts = new Map<string, ColumnFacts>();
    for (const row of rows) {
      facts.set(key(textOf(row.t), textOf(row.c)), {
        dataType: textOf(row.type).toLowerCase(),
        maxLength: row.len == null ? null : Number(row.len),
        charset: row.charset == null ? null : textOf(row.charset).toLowerCase(),
        nullable: row.nullable === 'YES',
      });
    }
    return new LegacyColumns(facts);
  }

  nullable(table: string, column: string): boolean {
    return this.facts.get(key(table, column))?.nullable ?? true;
  }

  /** Why `value` cannot be stored in the column, as a violation at `pointer`; null when it can. */
  check(pointer: string, table: string, column: string, value: string | null): Violation | null {
    if (value === null) return null;
    const facts = this.facts.get(key(table, column));
    if (!facts) return null;
    const limit = maxCodePoint(facts.charset);
    if (limit !== null) {
      const bad = [...value].find((char) => char.codePointAt(0)! > limit);
      if (bad !== undefined) {
        return {
          pointer,
          detail: `contains a character (U+${bad.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}) that the existing database cannot store (column ${column} is ${facts.charset})`,
        };
      }
    }
    if (facts.maxLength !== null && [...value].length > facts.maxLength) {
      return {
        pointer,
        detail: `is longer than the ${facts.maxLength} characters the existing database stores (column ${column})`,
      };
    }
    return null;
  }
}

/** The highest code point a character set stores; null: all of Unicode (or not a text column). */
export function maxCodePoint(charset: string | null): number | null {
  if (charset === null) return null;
  if (charset === 'utf8mb4' || charset.startsWith('utf16') || charset.startsWith('utf32')) return null;
  if (charset === 'utf8' || charset === 'utf8mb3' || charset === 'ucs2') return 0xffff;
  if (charset === 'ascii') return 0x7f;
  return 0xff; // latin1 and the other single-byte sets: at most the Latin-1 range (cp1252 is close enough)
}

function key(table: string, column: string): string {
  return `${table.toLowerCase()}.${column.toLowerCase()}`;
}
