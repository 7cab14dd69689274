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
} from './domain-errors';

describe('domain errors', () => {
  // The codes are a contract: the HTTP layer and clients key on them, so a rename must fail a test.
  it.each([
    [
      'InvalidCustomerData',
      'CUSTOMER.INVALID_DATA',
      new InvalidCustomerData([{ pointer: '/email', detail: 'Email is required' }]),
    ],
    ['CustomerNotFound', 'CUSTOMER.NOT_FOUND', new CustomerNotFound('42')],
    ['CustomerErased', 'CUSTOMER.ERASED', new CustomerErased('42')],
    ['EmailAlreadyTaken', 'CUSTOMER.EMAIL_TAKEN', new EmailAlreadyTaken('ana@example.com')],
    ['DocumentAlreadyTaken', 'CUSTOMER.DOCUMENT_TAKEN', new DocumentAlreadyTaken()],
    ['CustomerAlreadyActive', 'CUSTOMER.ALREADY_ACTIVE', new CustomerAlreadyActive('42')],
    ['CustomerAlreadyInactive', 'CUSTOMER.ALREADY_INACTIVE', new CustomerAlreadyInactive('42')],
    ['StaleCustomerVersion', 'CUSTOMER.VERSION_MISMATCH', new StaleCustomerVersion('42', '3', '4')],
  ] as const)('%s has the code %s and its class name as name', (name, code, error: DomainError) => {
    expect(error.code).toBe(code);
    expect(error.name).toBe(name);
    expect(error).toBeInstanceOf(DomainError);
  });

  it('says which entity tags a stale update expected and found', () => {
    expect(new StaleCustomerVersion('42', '3', '4').message).toBe('Customer 42 was changed: expected 3, found 4');
  });

  it('says when a stale update found no version at all', () => {
    expect(new StaleCustomerVersion('42', '3', null).message).toBe('Customer 42 was changed: expected 3, found none');
  });

  it('lists every violation in the message of invalid data', () => {
    const error = new InvalidCustomerData([
      { pointer: '/name', detail: 'Name is required' },
      { pointer: '/addresses/1/country', detail: 'Country must be an officially assigned code' },
    ]);

    expect(error.message).toBe(
      'The customer data is invalid: /name: Name is required; /addresses/1/country: Country must be an officially assigned code',
    );
  });

  it('keeps the email out of the message of a taken email, since messages are logged', () => {
    const error = new EmailAlreadyTaken('ana@example.com');

    expect(error.email).toBe('ana@example.com');
    expect(error.message).not.toContain('ana@example.com');
  });
});
