/**
 * The opaque `nextCursor` of GET /v1/customers: where the previous page ended, as the sort key and id of its last
 * customer. Paging continues *after that row* (keyset pagination) instead of skipping N rows, so customers inserted
 * or erased while a client pages neither shift nor repeat the rows it has yet to see.
 *
 * It is base64url JSON, not signed: a client that edits it can only move its own position in a list it is allowed to
 * read anyway. What matters is that nothing unexpected gets through, so every field is checked when it comes back and
 * a tampered, truncated or foreign cursor is rejected with a reason (a 400), never a 500.
 */
import { isCustomerId } from '../../../domain';

export const CUSTOMER_SORTS = ['createdAt', '-createdAt', 'name', '-name'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

/** Where a page ended: the sort it was issued for, the last row's sort key (an ISO instant or a name) and its id. */
export interface CustomerCursor {
  readonly sort: CustomerSort;
  readonly value: string;
  readonly id: string;
}

export class InvalidCustomerCursor extends Error {
  constructor(
    readonly reason: 'malformed' | 'sort-mismatch',
    detail: string,
  ) {
    super(detail);
    this.name = 'InvalidCustomerCursor';
  }
}

const FORMAT_VERSION = 1;
const MAX_CURSOR_LENGTH = 1024; // a 200-character name in UTF-8, JSON-escaped and base64url-encoded fits well within
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MAX_NAME_LENGTH = 200;

export function encodeCustomerCursor(cursor: CustomerCursor): string {
  return Buffer.from(
    JSON.stringify({ v: FORMAT_VERSION, s: cursor.sort, k: cursor.value, i: cursor.id }),
    'utf8',
  ).toString('base64url');
}

/** The position a cursor names, checked field by field; `sort` is the sort of the request the cursor came with. */
export function decodeCustomerCursor(text: string, sort: CustomerSort): CustomerCursor {
  const payload = parsePayload(text);
  const { v, s, k, i } = payload;
  if (v !== FORMAT_VERSION || !isSort(s) || typeof k !== 'string' || typeof i !== 'string' || !isCustomerId(i)) {
    throw malformed();
  }
  if (!validSortKey(s, k)) throw malformed();
  if (s !== sort) {
    throw new InvalidCustomerCursor(
      'sort-mismatch',
      `This cursor continues a list sorted by ${s}; repeat the request with sort=${s}, or leave the cursor out to start again with sort=${sort}.`,
    );
  }
  return { sort: s, value: k, id: i };
}

function parsePayload(text: string): Record<string, unknown> {
  if (text.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(text)) throw malformed();
  const json = Buffer.from(text, 'base64url');
  // Node decodes leniently (ignores stray trailing bits); re-encoding catches cursors that were cut or altered.
  if (json.toString('base64url') !== text) throw malformed();
  let payload: unknown;
  try {
    payload = JSON.parse(json.toString('utf8'));
  } catch {
    throw malformed();
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw malformed();
  const keys = Object.keys(payload).sort().join(',');
  if (keys !== 'i,k,s,v') throw malformed();
  return payload as Record<string, unknown>;
}

function validSortKey(sort: CustomerSort, key: string): boolean {
  if (sort === 'createdAt' || sort === '-createdAt') {
    // Exactly what toISOString() writes, and a real instant: round-tripping rejects 2026-02-30 and the like.
    return INSTANT_PATTERN.test(key) && !Number.isNaN(Date.parse(key)) && new Date(key).toISOString() === key;
  }
  return key.length > 0 && [...key].length <= MAX_NAME_LENGTH;
}

function isSort(value: unknown): value is CustomerSort {
  return (CUSTOMER_SORTS as readonly unknown[]).includes(value);
}

function malformed(): InvalidCustomerCursor {
  return new InvalidCustomerCursor(
    'malformed',
    'The cursor is not one this service issued, or it was changed; use nextCursor exactly as returned, or leave it out to start from the first page.',
  );
}
