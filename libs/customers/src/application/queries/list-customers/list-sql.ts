/**
 * The customer list as one parameterized SELECT, the same text on SQLite and MySQL/MariaDB:
 *
 * - Erased customers are left out by `status <> 'erased'`, a residual filter on whichever ordered index serves the
 *   sort. (`status IN ('active', 'inactive')` tempts the planner, SQLite's at least, into reading a status-leading
 *   index as two ranges and sorting every row; erased rows are few, so skipping them on the way costs next to
 *   nothing.)
 *   A status filter replaces it with `status = ?`, which the (status, created_at, id) and (status, name, id) indexes
 *   serve in order.
 * - Keyset pagination: rows strictly after the cursor in (sort key, id) order. It is written as
 *   `k >= ? AND (k > ? OR id > ?)` rather than the row comparison `(k, id) > (?, ?)`, because MariaDB 10.11 turns
 *   only the first form into an index range (the second reads the index from its start, slower with every page).
 * - The name prefix is a LIKE with `!` as the escape character: a backslash would have to be written differently in
 *   MySQL string literals (where it is an escape) and SQLite ones (where it is not), `!` is the same in both. The
 *   comparison follows the column's collation: case-insensitive on both (NOCASE on SQLite folds ASCII only;
 *   utf8mb4_unicode_ci on MySQL/MariaDB folds accents too).
 *
 * The integration suite EXPLAINs every shape this produces against 100,000 rows on MariaDB.
 */
import { toDb } from '@customerflow/platform';
import { CUSTOMER_COLUMNS } from '../customer-rows';
import type { CustomerCursor, CustomerSort } from './customer-cursor';
import type { CustomerListCriteria } from './list-customers.query';

export interface SqlStatement {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

const SORT_KEYS: Record<CustomerSort, { column: string; descending: boolean }> = {
  createdAt: { column: 'c.created_at', descending: false },
  '-createdAt': { column: 'c.created_at', descending: true },
  name: { column: 'c.name', descending: false },
  '-name': { column: 'c.name', descending: true },
};

/** The page query; `rowLimit` is usually one more than the page size, to learn whether another page follows. */
export function listCustomersSql(criteria: CustomerListCriteria, rowLimit: number): SqlStatement {
  const where: string[] = [];
  const parameters: unknown[] = [];
  const and = (condition: string, ...values: unknown[]) => {
    where.push(condition);
    parameters.push(...values);
  };

  if (criteria.status !== null) and('c.status = ?', criteria.status);
  else and("c.status <> 'erased'");
  if (criteria.email !== null) and('c.email = ?', normalizeEmailFilter(criteria.email));
  if (criteria.document !== null) and('c.document_number = ?', normalizeDocumentFilter(criteria.document));
  if (criteria.namePrefix !== null) and("c.name LIKE ? ESCAPE '!'", namePrefixPattern(criteria.namePrefix));
  if (criteria.createdFrom !== null) and('c.created_at >= ?', toDb(criteria.createdFrom));
  if (criteria.createdTo !== null) and('c.created_at < ?', toDb(criteria.createdTo));

  const { column, descending } = SORT_KEYS[criteria.sort];
  const after = descending ? '<' : '>';
  if (criteria.after !== null) {
    const key = sortKeyParameter(criteria.after);
    and(`${column} ${after}= ? AND (${column} ${after} ? OR c.id ${after} ?)`, key, key, BigInt(criteria.after.id));
  }

  const direction = descending ? 'DESC' : 'ASC';
  return {
    sql: `SELECT ${CUSTOMER_COLUMNS} FROM customers c WHERE ${where.join(' AND ')} ORDER BY ${column} ${direction}, c.id ${direction} LIMIT ?`,
    parameters: [...parameters, rowLimit],
  };
}

/** Emails are stored trimmed and lower-cased (see the domain's Email), so the filter is compared in that form. */
export function normalizeEmailFilter(email: string): string {
  return email.trim().toLowerCase();
}

/** Documents are stored without punctuation, CNPJ letters upper-cased: "529.982.247-25" finds 52998224725. */
export function normalizeDocumentFilter(document: string): string {
  return document.trim().replace(/[./-]/g, '').toUpperCase();
}

/** A LIKE pattern matching names that start with `prefix` taken literally: its own % and _ match only themselves. */
export function namePrefixPattern(prefix: string): string {
  return `${prefix.replace(/[!%_]/g, '!$&')}%`;
}

function sortKeyParameter(cursor: CustomerCursor): string {
  // Both drivers compare created_at with 'YYYY-MM-DD HH:MM:SS.mmm' UTC text, the form the write side stores.
  return cursor.sort === 'name' || cursor.sort === '-name' ? cursor.value : toDb(new Date(cursor.value));
}
