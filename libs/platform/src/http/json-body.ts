/**
 * The request body as the API reads it, hostile input included. A client's bytes are taken exactly or refused with a
 * 400 problem, before validation runs, never "repaired":
 *
 * - invalid UTF-8 is refused: decoding would turn it into U+FFFD and store something the client never sent;
 * - nesting deeper than 32 levels is refused, counted on the raw text before anything recursive sees it (a body of
 *   3,000 nested arrays overflowed class-transformer's stack: a 500);
 * - a `__proto__`, `constructor` or `prototype` key anywhere is refused like any unknown field, with its pointer;
 * - the body must be an object or an array; an empty body is no body.
 */
import { ProblemException, type Violation } from './problem';
import { escapePointer } from './validation';

export const MAX_JSON_DEPTH = 32;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

export function parseJsonBody(raw: Buffer | string): unknown {
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8.decode(raw);
  } catch {
    throw ProblemException.badRequest('The request body is not valid UTF-8.', undefined, 'invalid-utf8');
  }
  if (text.trim() === '') return undefined;
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '[') throw malformed();
  if (nestingDepth(text) > MAX_JSON_DEPTH) {
    throw ProblemException.badRequest(
      `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`,
      undefined,
      'too-deeply-nested',
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw malformed();
  }
  const forbidden = forbiddenKeys(body, '');
  if (forbidden.length > 0) {
    throw ProblemException.badRequest(
      'The request has invalid fields or parameters; see errors.',
      forbidden.map((pointer) => ({ pointer, detail: 'is not a known field and is not allowed' })),
      'validation-failed',
    );
  }
  return body;
}

/** The deepest nesting of objects and arrays in JSON text, skipping string contents. Linear, no recursion. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth--;
  }
  return deepest;
}

/**
 * JSON pointers of every forbidden key; the depth is already bounded, so recursion is safe here. Every body pays for
 * this walk, so it keeps the path as raw segments and builds a pointer only for a key it reports.
 */
export function forbiddenKeys(value: unknown, at: string): string[] {
  const found: string[] = [];
  collectForbiddenKeys(value, [], at, found);
  return found;
}

function collectForbiddenKeys(value: unknown, path: (string | number)[], at: string, found: string[]): void {
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      path.push(index);
      collectForbiddenKeys(item, path, at, found);
      path.pop();
    });
    return;
  }
  for (const key of Object.keys(value)) {
    path.push(key);
    if (FORBIDDEN_KEYS.has(key)) found.push(at + path.map((segment) => `/${escapePointer(String(segment))}`).join(''));
    else collectForbiddenKeys((value as Record<string, unknown>)[key], path, at, found);
    path.pop();
  }
}

/**
 * Query parameters named like a prototype property (`__proto__`, `constructor[prototype]`…), as violations. Read from
 * the raw query string: a parser may already have dropped them (assigning `__proto__` a string is a no-op), which
 * would turn the unknown parameter into a silently ignored one.
 */
export function forbiddenQueryParameters(rawQuery: string): Violation[] {
  const names = [...new URLSearchParams(rawQuery).keys()];
  return [...new Set(names)]
    .filter((name) => FORBIDDEN_KEYS.has(name.replace(/\[.*$/, '')))
    .map((name) => ({ pointer: `/${name}`, detail: 'is not a known field and is not allowed' }));
}

function malformed(): ProblemException {
  return new ProblemException({
    status: 400,
    slug: 'malformed-json',
    title: 'Malformed JSON',
    detail: 'The request body is not valid JSON.',
  });
}
