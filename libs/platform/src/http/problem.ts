/**
 * RFC 9457 problem details: the one shape every error response has. Errors anywhere below the controller are
 * typed (domain errors, driver errors); `ProblemDetailsFilter` turns them into a `Problem` through the mappers the
 * app registers, so the mapping lives in exactly one place per bounded context.
 */
export interface Violation {
  readonly pointer: string;
  readonly detail: string;
}

export interface Problem {
  readonly status: number;
  /** A stable slug; the `type` URI is `/problems/<slug>`. */
  readonly slug: string;
  readonly title: string;
  readonly detail: string;
  readonly errors?: readonly Violation[];
  readonly headers?: Readonly<Record<string, string>>;
  /** A stable machine-readable code, such as CUSTOMER.EMAIL_TAKEN. */
  readonly code?: string;
}

/** Returns a Problem for the errors it knows, or null to let the next mapper try. */
export type ProblemMapper = (error: unknown) => Problem | null;

/** Thrown by HTTP-level code (controllers, pipes, interceptors) for a 4xx that no domain error describes. */
export class ProblemException extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail);
    this.name = 'ProblemException';
  }

  static badRequest(detail: string, errors?: readonly Violation[], slug = 'invalid-request'): ProblemException {
    return new ProblemException({ status: 400, slug, title: 'The request is not valid', detail, errors });
  }
}

export function problemBody(problem: Problem, instance?: string): Record<string, unknown> {
  return {
    type: `/problems/${problem.slug}`,
    title: problem.title,
    status: problem.status,
    detail: problem.detail,
    ...(instance ? { instance } : {}),
    ...(problem.code ? { code: problem.code } : {}),
    ...(problem.errors ? { errors: problem.errors } : {}),
  };
}
