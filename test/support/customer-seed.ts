/**
 * Inserts customers straight into the tables, for read-side tests that need many rows or exact creation times
 * (HTTP registration is too slow for 100,000 rows and stamps the clock's time). Rows are written the way the write
 * side writes them: lower-case email, punctuation-free document, times as 'YYYY-MM-DD HH:MM:SS.mmm' UTC text.
 */
import type { DataSource } from 'typeorm';
import { toDb } from '../../libs/platform/src';
import { aValidCpf } from './customer-bodies';

export interface SeedCustomer {
  readonly name: string;
  readonly createdAt: Date;
  readonly email?: string | null;
  readonly status?: 'active' | 'inactive' | 'erased';
  readonly document?: { readonly type: 'CPF' | 'CNPJ'; readonly number: string } | null;
  /** How many addresses (street "<name> street <n>"), 0 by default. */
  readonly addresses?: number;
}

let sequence = 0;

/** A unique email for seeded rows. */
export function aSeedEmail(): string {
  sequence += 1;
  return `seed.${process.pid}.${Date.now().toString(36)}.${sequence}@example.com`;
}

/**
 * Inserts the customers in multi-row statements and returns their ids, in the order given. Ids are given explicitly,
 * following the largest one in the table, so no read-back is needed; both databases move their auto-increment
 * counter past them, so later registrations still get fresh ids. Not for use while other inserts run.
 */
export async function insertCustomers(
  dataSource: DataSource,
  customers: readonly SeedCustomer[],
  batchSize = 1000,
): Promise<string[]> {
  const [{ last }] = await dataSource.query('SELECT COALESCE(MAX(id), 0) AS last FROM customers');
  const ids = customers.map((_, i) => String(BigInt(last) + BigInt(i + 1)));
  for (let start = 0; start < customers.length; start += batchSize) {
    const batch = customers.slice(start, start + batchSize);
    const values = batch.flatMap((c, i) => {
      const status = c.status ?? 'active';
      const created = toDb(c.createdAt);
      // Erased rows look as erasure leaves them: no personal data, erased_at set.
      return status === 'erased'
        ? [ids[start + i], '', null, null, null, status, created, created, created]
        : [
            ids[start + i],
            c.name,
            c.email ?? aSeedEmail(),
            c.document?.type ?? null,
            c.document?.number ?? null,
            status,
            created,
            created,
            null,
          ];
    });
    await dataSource.query(
      `INSERT INTO customers (id, name, email, document_type, document_number, status, version, created_at, updated_at, erased_at) VALUES ${batch.map(() => '(?, ?, ?, ?, ?, ?, 1, ?, ?, ?)').join(', ')}`,
      values,
    );
    const addressRows = batch.flatMap((c, i) =>
      c.status === 'erased'
        ? []
        : Array.from({ length: c.addresses ?? 0 }, (_, position) => [
            ids[start + i],
            position,
            `${c.name} street ${position}`,
          ]),
    );
    if (addressRows.length > 0) {
      await dataSource.query(
        `INSERT INTO customer_addresses (customer_id, position, street, number, complement, district, city, state, postal_code, country) VALUES ${addressRows.map(() => "(?, ?, ?, '1', NULL, 'Centro', 'São Paulo', 'SP', '01001000', 'BR')").join(', ')}`,
        addressRows.flat(),
      );
    }
  }
  return ids;
}

/** Distinct valid CPFs, for rows that need a document. */
export function distinctCpfs(count: number): string[] {
  const cpfs = new Set<string>();
  while (cpfs.size < count) cpfs.add(aValidCpf());
  return [...cpfs];
}
