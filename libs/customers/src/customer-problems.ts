/**
 * Customer domain errors → HTTP problem details. The only place that knows both; controllers and handlers just
 * throw the domain's errors.
 */
import type { Problem, ProblemMapper } from '@customerflow/platform';
import {
  CustomerAlreadyActive,
  CustomerAlreadyInactive,
  CustomerErased,
  CustomerNotFound,
  DocumentAlreadyTaken,
  DomainError,
  EmailAlreadyTaken,
  InvalidCustomerData,
  StaleCustomerVersion,
} from './domain';

export const customerProblems: ProblemMapper = (error) => {
  if (!(error instanceof DomainError)) return null;
  const base = { code: error.code, detail: error.message };
  const problem = (status: number, slug: string, title: string, extra: Partial<Problem> = {}): Problem => ({
    status,
    slug,
    title,
    ...base,
    ...extra,
  });
  if (error instanceof InvalidCustomerData) {
    return problem(400, 'validation-failed', 'The customer data is not valid', {
      detail: 'The request body has invalid fields; see errors.',
      errors: error.violations,
    });
  }
  if (error instanceof CustomerNotFound) return problem(404, 'customer-not-found', 'Customer not found');
  if (error instanceof CustomerErased) return problem(410, 'customer-erased', 'Customer erased');
  if (error instanceof EmailAlreadyTaken)
    return problem(409, 'email-taken', 'Email already registered', {
      errors: [{ pointer: '/email', detail: 'is already registered to another customer' }],
    });
  if (error instanceof DocumentAlreadyTaken)
    return problem(409, 'document-taken', 'Document already registered', {
      errors: [{ pointer: '/document/number', detail: 'is already registered to another customer' }],
    });
  if (error instanceof CustomerAlreadyActive) return problem(409, 'customer-already-active', 'Customer already active');
  if (error instanceof CustomerAlreadyInactive)
    return problem(409, 'customer-already-inactive', 'Customer already inactive');
  if (error instanceof StaleCustomerVersion) return problem(412, 'version-mismatch', 'The customer has changed');
  return problem(422, 'domain-rule-violated', 'Request violates a business rule');
};
