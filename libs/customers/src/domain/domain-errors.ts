/**
 * The errors the customer domain throws. Each carries a stable `code`; the HTTP layer maps codes to problem+json
 * responses in one place, so these classes know nothing about status codes.
 */

export abstract class DomainError extends Error {
  abstract readonly code: string;

  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** One invalid field of a request: `pointer` is a JSON pointer into the request body, e.g. "/addresses/1/country". */
export interface Violation {
  readonly pointer: string;
  readonly detail: string;
}

export class InvalidCustomerData extends DomainError {
  readonly code = 'CUSTOMER.INVALID_DATA';

  constructor(readonly violations: readonly Violation[]) {
    super(`The customer data is invalid: ${violations.map((v) => `${v.pointer}: ${v.detail}`).join('; ')}`);
  }
}

export class CustomerNotFound extends DomainError {
  readonly code = 'CUSTOMER.NOT_FOUND';

  constructor(readonly customerId: string) {
    super(`Customer ${customerId} was not found`);
  }
}

export class CustomerErased extends DomainError {
  readonly code = 'CUSTOMER.ERASED';

  constructor(readonly customerId: string) {
    super(`Customer ${customerId} was erased`);
  }
}

export class EmailAlreadyTaken extends DomainError {
  readonly code = 'CUSTOMER.EMAIL_TAKEN';

  constructor(readonly email: string) {
    // The address stays out of the message: messages end up in logs, and an email is personal data.
    super('The email is already used by another customer');
  }
}

export class DocumentAlreadyTaken extends DomainError {
  readonly code = 'CUSTOMER.DOCUMENT_TAKEN';

  constructor() {
    super('The document is already used by another customer');
  }
}

export class CustomerAlreadyActive extends DomainError {
  readonly code = 'CUSTOMER.ALREADY_ACTIVE';

  constructor(readonly customerId: string) {
    super(`Customer ${customerId} is already active`);
  }
}

export class CustomerAlreadyInactive extends DomainError {
  readonly code = 'CUSTOMER.ALREADY_INACTIVE';

  constructor(readonly customerId: string) {
    super(`Customer ${customerId} is already inactive`);
  }
}

export class StaleCustomerVersion extends DomainError {
  readonly code = 'CUSTOMER.VERSION_MISMATCH';

  /** Entity tags (a version, or a revision of legacy rows); `actual` is null when there is nothing to compare with. */
  constructor(
    readonly customerId: string,
    readonly expected: string,
    readonly actual: string | null,
  ) {
    super(
      `Customer ${customerId} was changed: expected ${expected}, ` +
        (actual === null ? 'found none' : `found ${actual}`),
    );
  }
}
