/**
 * ETags are the customer version: `"<version>"`. Clients echo them in If-Match (optimistic concurrency) and
 * If-None-Match (conditional GET). Weak tags (W/"3") are accepted: the version identifies the representation.
 */
import { ProblemException } from './problem';

export function entityTag(version: number): string {
  return `"${version}"`;
}

/** The versions listed in an If-Match / If-None-Match header, '*' for any; a malformed header is a 400. */
export function parseEntityTags(header: string, headerName: string): number[] | '*' {
  const value = header.trim();
  if (value === '*') return '*';
  const tags = value.split(',').map((tag) => tag.trim());
  const versions = tags.map((tag) => /^(?:W\/)?"(\d{1,9})"$/.exec(tag)?.[1]);
  if (tags.length === 0 || versions.some((v) => v === undefined)) {
    throw ProblemException.badRequest(
      `${headerName} must list entity tags such as "3" (got ${JSON.stringify(header)}).`,
      undefined,
      'invalid-precondition',
    );
  }
  return versions.map(Number);
}
