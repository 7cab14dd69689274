/**
 * ETags name what a client read: the customer version (`"3"`), or over a legacy schema the version and a digest of
 * the legacy rows (`"3.9f86d081884c7d65"`), since other writers change those rows without bumping any version.
 * Clients echo them in If-Match (optimistic concurrency) and If-None-Match (conditional GET). Weak tags (W/"3") are
 * accepted: the tag identifies the representation.
 */
import { ProblemException } from './problem';

export function entityTag(tag: string | number): string {
  return `"${tag}"`;
}

/** The tags listed in an If-Match / If-None-Match header, '*' for any; a malformed header is a 400. */
export function parseEntityTags(header: string, headerName: string): string[] | '*' {
  const value = header.trim();
  if (value === '*') return '*';
  const tags = value.split(',').map((tag) => tag.trim());
  const opaque = tags.map((tag) => /^(?:W\/)?"(\d{1,9}(?:\.[0-9a-f]{1,32})?)"$/.exec(tag)?.[1]);
  if (tags.length === 0 || opaque.some((v) => v === undefined)) {
    throw ProblemException.badRequest(
      `${headerName} must list entity tags such as "3" (got ${JSON.stringify(header)}).`,
      undefined,
      'invalid-precondition',
    );
  }
  return opaque as string[];
}
