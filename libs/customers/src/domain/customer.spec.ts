import { FixedClock } from './clock';
import { Customer, type CustomerInput, MAX_ADDRESSES } from './customer';
import {
  CustomerDeactivated,
  CustomerReactivated,
  CustomerRegistered,
  CustomerUpdated,
  CustomerWasErased,
} from './customer-events';
import {
  CustomerAlreadyActive,
  CustomerAlreadyInactive,
  CustomerErased,
  InvalidCustomerData,
  StaleCustomerVersion,
} from './domain-errors';
import {
  aClock,
  aCustomerInput,
  aCustomerSnapshot,
  aFormattedCpf,
  anAddress,
  anAlphanumericCnpj,
  aRegisteredCustomer,
  aValidCpf,
  NOW,
} from './testing/customer.mother';
import { thrownBy } from './testing/thrown-by';

const LATER = '2025-06-15T13:00:00.000Z';
const ONE_HOUR = 60 * 60 * 1000;

function invalidData(action: () => unknown): InvalidCustomerData {
  const error = thrownBy(action);
  expect(error).toBeInstanceOf(InvalidCustomerData);
  expect(error).toMatchObject({ code: 'CUSTOMER.INVALID_DATA' });
  return error as InvalidCustomerData;
}

function pointersOf(error: InvalidCustomerData): string[] {
  return error.violations.map((v) => v.pointer);
}

/** A registered customer whose clock has moved on, for testing changes. */
function aCustomerAndALaterClock(overrides: Partial<CustomerInput> = {}): { customer: Customer; clock: FixedClock } {
  const clock = aClock();
  const customer = aRegisteredCustomer(overrides, { clock });
  clock.advance(ONE_HOUR);
  return { customer, clock };
}

describe('Customer.register', () => {
  it('creates an active customer at version 1', () => {
    const customer = Customer.register(aCustomerInput(), aClock(), '7');

    expect(customer.status).toBe('active');
    expect(customer.version).toBe(1);
  });

  it('stamps createdAt and updatedAt with the clock', () => {
    const snapshot = Customer.register(aCustomerInput(), aClock(), '7').snapshot();

    expect(snapshot.createdAt.toISOString()).toBe(NOW);
    expect(snapshot.updatedAt.toISOString()).toBe(NOW);
    expect(snapshot.erasedAt).toBeNull();
  });

  it('keeps the id it is given (hilo ids exist before the insert)', () => {
    expect(Customer.register(aCustomerInput(), aClock(), '7').id).toBe('7');
  });

  it('has no id without one (auto-increment ids exist only after the insert)', () => {
    expect(Customer.register(aCustomerInput(), aClock()).id).toBeNull();
  });

  it('has no persisted version, since it was never saved', () => {
    expect(Customer.register(aCustomerInput(), aClock(), '7').persistedVersion).toBeNull();
  });

  it('stores the normalised values', () => {
    const snapshot = Customer.register(
      aCustomerInput({
        name: ' Ana Souza ',
        email: ' Ana.Souza@Example.COM',
        phone: ' +5511987654321',
        document: { type: 'CPF', number: aFormattedCpf() },
        addresses: [anAddress({ postalCode: '01310 200', country: 'br' })],
      }),
      aClock(),
      '7',
    ).snapshot();

    expect(snapshot).toMatchObject({
      name: 'Ana Souza',
      email: 'ana.souza@example.com',
      phone: '+5511987654321',
      document: { type: 'CPF', number: aValidCpf() },
      addresses: [anAddress({ postalCode: '01310200', country: 'BR' })],
    });
  });

  it('stores absent optional fields as null and no addresses as an empty list', () => {
    const snapshot = Customer.register({ name: 'Ana Souza', email: 'ana@example.com' }, aClock(), '7').snapshot();

    expect(snapshot).toMatchObject({ phone: null, document: null, birthDate: null, addresses: [] });
  });

  it('accepts an alphanumeric CNPJ', () => {
    const input = aCustomerInput({ document: { type: 'CNPJ', number: anAlphanumericCnpj() } });

    expect(Customer.register(input, aClock(), '7').snapshot().document).toEqual({
      type: 'CNPJ',
      number: '12ABC34501DE35',
    });
  });

  it(`accepts ${MAX_ADDRESSES} addresses`, () => {
    const addresses = Array.from({ length: MAX_ADDRESSES }, (_, i) => anAddress({ number: String(i + 1) }));

    expect(Customer.register(aCustomerInput({ addresses }), aClock(), '7').snapshot().addresses).toHaveLength(5);
  });

  it('records exactly one CustomerRegistered at version 1', () => {
    const events = Customer.register(aCustomerInput(), aClock(), '7').pullDomainEvents();

    expect(events).toHaveLength(1);
    expect(events[0]).toBeInstanceOf(CustomerRegistered);
    expect(events[0]).toMatchObject({ kind: 'registered', customerId: '7', version: 1 });
    expect(events[0].occurredAt.toISOString()).toBe(NOW);
  });

  it('puts the whole registered customer in its event', () => {
    const customer = Customer.register(aCustomerInput(), aClock(), '7');
    const [event] = customer.pullDomainEvents() as [CustomerRegistered];

    expect(event.customer).toEqual(customer.snapshot());
  });

  it('records a registration without id when the database assigns it', () => {
    const [event] = Customer.register(aCustomerInput(), aClock()).pullDomainEvents();

    expect(event.customerId).toBeNull();
  });

  it('reports every invalid field at once, each with its JSON pointer', () => {
    const input = aCustomerInput({
      name: '',
      email: 'not-an-email',
      phone: '11 98765-4321',
      document: { type: 'CPF', number: '52998224726' },
      birthDate: '2025-06-16',
      addresses: [anAddress(), anAddress({ country: 'XX' })],
    });

    const error = invalidData(() => Customer.register(input, aClock(), '7'));

    expect(pointersOf(error)).toEqual([
      '/name',
      '/email',
      '/phone',
      '/document/number',
      '/birthDate',
      '/addresses/1/country',
    ]);
  });

  it('explains each violation', () => {
    const error = invalidData(() => Customer.register(aCustomerInput({ phone: '123' }), aClock(), '7'));

    expect(error.violations).toEqual([
      {
        pointer: '/phone',
        detail:
          'Phone must be in E.164 format, like +5511987654321: a plus sign and 8 to 15 digits, without spaces or dashes',
      },
    ]);
  });

  it('points at the document type when it is neither CPF nor CNPJ', () => {
    const input = aCustomerInput({ document: { type: 'RG', number: '123456789' } });

    expect(pointersOf(invalidData(() => Customer.register(input, aClock(), '7')))).toEqual(['/document/type']);
  });

  it('points at the document itself when it is not an object', () => {
    const input = aCustomerInput({ document: '52998224725' as unknown as CustomerInput['document'] });

    expect(pointersOf(invalidData(() => Customer.register(input, aClock(), '7')))).toEqual(['/document']);
  });

  it('reports a missing name and email as required', () => {
    const input = { addresses: [] } as unknown as CustomerInput;

    expect(invalidData(() => Customer.register(input, aClock(), '7')).violations).toEqual([
      { pointer: '/name', detail: 'Name is required' },
      { pointer: '/email', detail: 'Email is required' },
    ]);
  });

  it(`points at the address list when there are more than ${MAX_ADDRESSES} addresses`, () => {
    const addresses = Array.from({ length: MAX_ADDRESSES + 1 }, () => anAddress());

    const error = invalidData(() => Customer.register(aCustomerInput({ addresses }), aClock(), '7'));

    expect(error.violations).toEqual([
      { pointer: '/addresses', detail: 'A customer may have at most 5 addresses, got 6' },
    ]);
  });

  it('still checks each address when there are too many', () => {
    const addresses = [...Array.from({ length: MAX_ADDRESSES }, () => anAddress()), anAddress({ city: '' })];

    const error = invalidData(() => Customer.register(aCustomerInput({ addresses }), aClock(), '7'));

    expect(pointersOf(error)).toEqual(['/addresses', '/addresses/5/city']);
  });

  it('reports every invalid field of one address', () => {
    const input = aCustomerInput({ addresses: [anAddress({ street: '', postalCode: '', country: 'XX' })] });

    const error = invalidData(() => Customer.register(input, aClock(), '7'));

    expect(pointersOf(error)).toEqual(['/addresses/0/street', '/addresses/0/postalCode', '/addresses/0/country']);
  });

  it('points at an address that is not an object', () => {
    const input = aCustomerInput({ addresses: [anAddress(), null] as unknown as CustomerInput['addresses'] });

    expect(pointersOf(invalidData(() => Customer.register(input, aClock(), '7')))).toEqual(['/addresses/1']);
  });

  it('points at addresses that are not a list', () => {
    const input = aCustomerInput({ addresses: anAddress() as unknown as CustomerInput['addresses'] });

    expect(pointersOf(invalidData(() => Customer.register(input, aClock(), '7')))).toEqual(['/addresses']);
  });
});

describe('Customer.update', () => {
  it('records only the changed fields with their new values', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.update(aCustomerInput({ name: 'Ana Lima', phone: null }), clock);

    const [event] = customer.pullDomainEvents() as [CustomerUpdated];
    expect(event).toBeInstanceOf(CustomerUpdated);
    expect(event.changes).toEqual({ name: 'Ana Lima', phone: null });
  });

  it('bumps the version and stamps updatedAt', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.update(aCustomerInput({ name: 'Ana Lima' }), clock);

    expect(customer.version).toBe(2);
    expect(customer.snapshot().updatedAt.toISOString()).toBe(LATER);
    expect(customer.snapshot().createdAt.toISOString()).toBe(NOW);
  });

  it('records the new version and the time on its event', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.update(aCustomerInput({ name: 'Ana Lima' }), clock);

    const [event] = customer.pullDomainEvents();
    expect(event).toMatchObject({ kind: 'updated', customerId: '42', version: 2 });
    expect(event.occurredAt.toISOString()).toBe(LATER);
  });

  it('stores the new values', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.update(aCustomerInput({ email: 'Ana.Lima@Example.com', birthDate: null }), clock);

    expect(customer.snapshot()).toMatchObject({ email: 'ana.lima@example.com', birthDate: null });
  });

  it('records the new document and addresses as plain values', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    const addresses = [anAddress({ city: 'Campinas' })];

    customer.update(aCustomerInput({ document: { type: 'CPF', number: aValidCpf(1) }, addresses }), clock);

    const [event] = customer.pullDomainEvents() as [CustomerUpdated];
    expect(event.changes).toEqual({ document: { type: 'CPF', number: aValidCpf(1) }, addresses });
  });

  it('changes nothing when the values are the same: no event, same version, same updatedAt', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.update(aCustomerInput(), clock);

    expect(customer.pullDomainEvents()).toEqual([]);
    expect(customer.version).toBe(1);
    expect(customer.snapshot().updatedAt.toISOString()).toBe(NOW);
  });

  it('does not count an email differing only in case and spaces as a change', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.update(aCustomerInput({ email: '  ANA.SOUZA@example.com ' }), clock);

    expect(customer.pullDomainEvents()).toEqual([]);
  });

  it('does not count a punctuated form of the same CPF as a change', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.update(aCustomerInput({ document: { type: 'CPF', number: aFormattedCpf() } }), clock);

    expect(customer.pullDomainEvents()).toEqual([]);
  });

  it('counts reordered addresses as a change', () => {
    const first = anAddress({ number: '1' });
    const second = anAddress({ number: '2' });
    const { customer, clock } = aCustomerAndALaterClock({ addresses: [first, second] });

    customer.update(aCustomerInput({ addresses: [second, first] }), clock);

    const [event] = customer.pullDomainEvents() as [CustomerUpdated];
    expect(event.changes).toEqual({ addresses: [second, first] });
  });

  it('rejects invalid fields with the same pointers as registration', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    const input = aCustomerInput({ email: 'nope', addresses: [anAddress({ country: 'XX' })] });

    expect(pointersOf(invalidData(() => customer.update(input, clock)))).toEqual(['/email', '/addresses/0/country']);
  });

  it('leaves the customer untouched when the input is invalid', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    const before = customer.snapshot();

    thrownBy(() => customer.update(aCustomerInput({ name: 'Ana Lima', email: 'nope' }), clock));

    expect(customer.snapshot()).toEqual(before);
    expect(customer.pullDomainEvents()).toEqual([]);
  });

  it('refuses an erased customer', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.erase(clock);

    const error = thrownBy(() => customer.update(aCustomerInput(), clock));

    expect(error).toBeInstanceOf(CustomerErased);
    expect(error).toMatchObject({ code: 'CUSTOMER.ERASED', customerId: '42' });
  });

  it('refuses an erased customer before looking at the input', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.erase(clock);

    expect(thrownBy(() => customer.update(aCustomerInput({ email: 'nope' }), clock))).toBeInstanceOf(CustomerErased);
  });
});

describe('Customer.writableFields', () => {
  it('returns the current values in request shape', () => {
    const customer = aRegisteredCustomer({ phone: null, document: null, birthDate: null });

    expect(customer.writableFields()).toEqual({
      name: 'Ana Souza',
      email: 'ana.souza@example.com',
      phone: null,
      document: null,
      birthDate: null,
      addresses: [anAddress()],
    });
  });

  it('gives an input that, sent back unchanged, changes nothing', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.update(customer.writableFields(), clock);

    expect(customer.pullDomainEvents()).toEqual([]);
  });

  it('refuses an erased customer, which has no writable data left', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.erase(clock);

    const error = thrownBy(() => customer.writableFields());

    expect(error).toBeInstanceOf(CustomerErased);
    expect(error).toMatchObject({ code: 'CUSTOMER.ERASED' });
  });
});

describe('Customer.deactivate', () => {
  it('makes an active customer inactive at the next version', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.deactivate(clock);

    expect(customer.status).toBe('inactive');
    expect(customer.version).toBe(2);
    expect(customer.snapshot().updatedAt.toISOString()).toBe(LATER);
  });

  it('records CustomerDeactivated with the new version', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.deactivate(clock);

    const events = customer.pullDomainEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toBeInstanceOf(CustomerDeactivated);
    expect(events[0]).toMatchObject({ kind: 'deactivated', customerId: '42', version: 2 });
  });

  it('refuses an inactive customer', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.deactivate(clock);

    const error = thrownBy(() => customer.deactivate(clock));

    expect(error).toBeInstanceOf(CustomerAlreadyInactive);
    expect(error).toMatchObject({ code: 'CUSTOMER.ALREADY_INACTIVE', customerId: '42' });
  });

  it('changes nothing when refused', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.deactivate(clock);
    customer.pullDomainEvents();

    thrownBy(() => customer.deactivate(clock));

    expect(customer.version).toBe(2);
    expect(customer.pullDomainEvents()).toEqual([]);
  });

  it('refuses an erased customer', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.erase(clock);

    const error = thrownBy(() => customer.deactivate(clock));

    expect(error).toBeInstanceOf(CustomerErased);
    expect(error).toMatchObject({ code: 'CUSTOMER.ERASED', customerId: '42' });
  });
});

describe('Customer.reactivate', () => {
  it('makes an inactive customer active at the next version', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.deactivate(clock);

    customer.reactivate(clock);

    expect(customer.status).toBe('active');
    expect(customer.version).toBe(3);
  });

  it('records CustomerReactivated with the new version', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.deactivate(clock);
    customer.pullDomainEvents();

    customer.reactivate(clock);

    const events = customer.pullDomainEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toBeInstanceOf(CustomerReactivated);
    expect(events[0]).toMatchObject({ kind: 'reactivated', customerId: '42', version: 3 });
  });

  it('refuses an active customer', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    const error = thrownBy(() => customer.reactivate(clock));

    expect(error).toBeInstanceOf(CustomerAlreadyActive);
    expect(error).toMatchObject({ code: 'CUSTOMER.ALREADY_ACTIVE', customerId: '42' });
  });

  it('refuses an erased customer', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.erase(clock);

    const error = thrownBy(() => customer.reactivate(clock));

    expect(error).toBeInstanceOf(CustomerErased);
    expect(error).toMatchObject({ code: 'CUSTOMER.ERASED', customerId: '42' });
  });
});

describe('Customer.erase', () => {
  it('wipes all personal data', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.erase(clock);

    expect(customer.snapshot()).toMatchObject({
      name: '',
      email: null,
      phone: null,
      document: null,
      birthDate: null,
      addresses: [],
    });
  });

  it('marks the customer erased at the next version, stamping erasedAt and updatedAt', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.erase(clock);

    const snapshot = customer.snapshot();
    expect(snapshot).toMatchObject({ id: '42', status: 'erased', version: 2 });
    expect(snapshot.erasedAt?.toISOString()).toBe(LATER);
    expect(snapshot.updatedAt.toISOString()).toBe(LATER);
  });

  it('erases an inactive customer too', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.deactivate(clock);

    customer.erase(clock);

    expect(customer.status).toBe('erased');
  });

  it('records CustomerWasErased with the new version and time', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.erase(clock);

    const events = customer.pullDomainEvents();
    expect(events).toHaveLength(1);
    expect(events[0]).toBeInstanceOf(CustomerWasErased);
    expect(events[0]).toMatchObject({ kind: 'erased', customerId: '42', version: 2 });
    expect(events[0].occurredAt.toISOString()).toBe(LATER);
  });

  it('carries no personal data in its event', () => {
    const { customer, clock } = aCustomerAndALaterClock();

    customer.erase(clock);

    const [event] = customer.pullDomainEvents();
    expect(Object.keys(event).sort()).toEqual(['customerId', 'kind', 'occurredAt', 'version']);
    const serialized = JSON.stringify(event);
    for (const personal of ['Ana', 'ana.souza@example.com', '+5511987654321', aValidCpf(), '1990-04-01', 'Paulista']) {
      expect(serialized).not.toContain(personal);
    }
  });

  it('refuses a customer already erased', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.erase(clock);

    const error = thrownBy(() => customer.erase(clock));

    expect(error).toBeInstanceOf(CustomerErased);
    expect(error).toMatchObject({ code: 'CUSTOMER.ERASED', customerId: '42' });
  });
});

describe('Customer.restore', () => {
  it('gives back the snapshot it was restored from', () => {
    const snapshot = aCustomerSnapshot({ status: 'inactive', version: 7 });

    expect(Customer.restore(snapshot).snapshot()).toEqual(snapshot);
  });

  it('records no events', () => {
    expect(Customer.restore(aCustomerSnapshot()).pullDomainEvents()).toEqual([]);
  });

  it('remembers the loaded version as the persisted version', () => {
    expect(Customer.restore(aCustomerSnapshot({ version: 7 })).persistedVersion).toBe(7);
  });

  it('keeps the persisted version while changes bump the version', () => {
    const customer = Customer.restore(aCustomerSnapshot({ version: 7 }));

    customer.deactivate(aClock(LATER));

    expect(customer.version).toBe(8);
    expect(customer.persistedVersion).toBe(7);
  });

  it('does not validate: data stored under older rules still loads', () => {
    const snapshot = aCustomerSnapshot({ email: 'legacy@localhost', birthDate: '1850-01-01' });

    expect(Customer.restore(snapshot).snapshot()).toMatchObject({ email: 'legacy@localhost', birthDate: '1850-01-01' });
  });

  it('restores an erased customer that stays erased', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.erase(clock);
    const snapshot = customer.snapshot();

    const restored = Customer.restore(snapshot);

    expect(restored.snapshot()).toEqual(snapshot);
    expect(thrownBy(() => restored.reactivate(clock))).toMatchObject({ code: 'CUSTOMER.ERASED' });
  });

  it('does not share its dates with the snapshot it came from', () => {
    const snapshot = aCustomerSnapshot();
    const customer = Customer.restore(snapshot);

    snapshot.createdAt.setUTCFullYear(1999);

    expect(customer.snapshot().createdAt.toISOString()).toBe(NOW);
  });
});

describe('Customer.pullDomainEvents', () => {
  it('returns the recorded events in order, with increasing versions', () => {
    const clock = aClock();
    const customer = Customer.register(aCustomerInput(), clock, '7');
    customer.update(aCustomerInput({ name: 'Ana Lima' }), clock);
    customer.deactivate(clock);

    const events = customer.pullDomainEvents();

    expect(events.map((e) => [e.kind, e.version])).toEqual([
      ['registered', 1],
      ['updated', 2],
      ['deactivated', 3],
    ]);
  });

  it('clears the events it returns', () => {
    const customer = Customer.register(aCustomerInput(), aClock(), '7');
    customer.pullDomainEvents();

    expect(customer.pullDomainEvents()).toEqual([]);
  });
});

describe('Customer.assignId', () => {
  it('gives an id to a customer registered without one', () => {
    const customer = Customer.register(aCustomerInput(), aClock());

    customer.assignId('1001');

    expect(customer.id).toBe('1001');
    expect(customer.snapshot().id).toBe('1001');
  });

  it('refuses to change an existing id', () => {
    const customer = aRegisteredCustomer();

    const error = thrownBy(() => customer.assignId('1001'));

    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe('Customer 42 already has an id; it cannot become 1001');
    expect(customer.id).toBe('42');
  });

  it('refuses an empty id', () => {
    const customer = Customer.register(aCustomerInput(), aClock());

    const error = thrownBy(() => customer.assignId(''));

    expect((error as Error).message).toBe('A customer id must be a non-empty string');
    expect(customer.id).toBeNull();
  });
});

describe('Customer.ensureEntityTag', () => {
  it('accepts the current version', () => {
    const customer = aRegisteredCustomer();

    expect(() => customer.ensureEntityTag('1')).not.toThrow();
  });

  it('refuses another version, saying which was expected and which was found', () => {
    const customer = aRegisteredCustomer();

    const error = thrownBy(() => customer.ensureEntityTag('3'));

    expect(error).toBeInstanceOf(StaleCustomerVersion);
    expect(error).toMatchObject({
      code: 'CUSTOMER.VERSION_MISMATCH',
      customerId: '42',
      expected: '3',
      actual: '1',
      message: 'Customer 42 was changed: expected 3, found 1',
    });
  });

  it('compares with the version after changes made in memory', () => {
    const { customer, clock } = aCustomerAndALaterClock();
    customer.deactivate(clock);

    expect(thrownBy(() => customer.ensureEntityTag('1'))).toMatchObject({
      code: 'CUSTOMER.VERSION_MISMATCH',
      actual: '2',
    });
  });

  it('compares with the revision of the stored rows when the repository gave one', () => {
    const customer = Customer.restore(aCustomerSnapshot({ version: 4, revision: '4.00ab' }));

    expect(customer.entityTag).toBe('4.00ab');
    expect(() => customer.ensureEntityTag('4.00ab')).not.toThrow();
    expect(thrownBy(() => customer.ensureEntityTag('4.ffff'))).toMatchObject({ code: 'CUSTOMER.VERSION_MISMATCH' });
    expect(thrownBy(() => customer.ensureEntityTag('3'))).toMatchObject({ code: 'CUSTOMER.VERSION_MISMATCH' });
  });

  it('accepts a bare version (what a command message carries) by the version alone', () => {
    const customer = Customer.restore(aCustomerSnapshot({ version: 4, revision: '4.00ab' }));

    expect(() => customer.ensureEntityTag('4')).not.toThrow();
  });
});

describe('Customer.update over data stored under looser rules', () => {
  const legacy = () =>
    Customer.restore(
      aCustomerSnapshot({
        name: 'x'.repeat(250),
        email: null,
        phone: '(11) 98765-4321',
        document: { type: 'CPF', number: '11111111112' },
      }),
    );

  it('validates only the fields the change touches: a rename keeps an invalid CPF, phone and a missing email', () => {
    const customer = legacy();
    const clock = new FixedClock(new Date('2026-06-01T00:00:00Z'));

    customer.update({ ...customer.writableFields(), name: 'Ana Lima' }, clock);

    expect(customer.snapshot()).toMatchObject({
      name: 'Ana Lima',
      email: null,
      phone: '(11) 98765-4321',
      document: { type: 'CPF', number: '11111111112' },
    });
    expect(customer.pullDomainEvents()).toEqual([expect.objectContaining({ changes: { name: 'Ana Lima' } })]);
  });

  it('still validates a field that changes', () => {
    const customer = legacy();
    const clock = new FixedClock(new Date('2026-06-01T00:00:00Z'));

    const error = thrownBy(() => customer.update({ ...customer.writableFields(), phone: '123' }, clock));

    expect(error).toMatchObject({
      code: 'CUSTOMER.INVALID_DATA',
      violations: [expect.objectContaining({ pointer: '/phone' })],
    });
  });
});

describe('Customer.snapshot', () => {
  it('hands out copies that cannot change the customer', () => {
    const customer = aRegisteredCustomer();
    const snapshot = customer.snapshot();

    snapshot.updatedAt.setUTCFullYear(1999);
    (snapshot.addresses[0] as { city: string }).city = 'Elsewhere';

    expect(customer.snapshot().updatedAt.toISOString()).toBe(NOW);
    expect(customer.snapshot().addresses[0].city).toBe('São Paulo');
  });
});
