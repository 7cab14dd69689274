/** HTTP details the customer controllers share: where a customer lives, its ETag, and reading If-Match. */
import type { FastifyReply } from 'fastify';
import { entityTagOf } from '@customerflow/customers';
import { entityTag, parseEntityTags, ProblemException } from '@customerflow/platform';

export const CUSTOMERS_PATH = 'v1/customers';

export function sendCustomerHeaders(response: FastifyReply, customer: { id: string; version: number }): void {
  void response.header('ETag', entityTag(entityTagOf(customer)));
}

/** The entity tag an If-Match names; null for `*` or, when optional, for a missing header. */
export function expectedTag(ifMatch: string | undefined, required: boolean): string | null {
  if (ifMatch === undefined) {
    if (!required) return null;
    throw new ProblemException({
      status: 428,
      slug: 'precondition-required',
      title: 'If-Match required',
      detail:
        'Send the ETag of the customer you read in an If-Match header, so concurrent changes are not overwritten.',
    });
  }
  const tags = parseEntityTags(ifMatch, 'If-Match');
  if (tags === '*') return null;
  if (tags.length !== 1)
    throw ProblemException.badRequest('If-Match must name exactly one entity tag.', undefined, 'invalid-precondition');
  return tags[0];
}
