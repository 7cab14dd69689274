/**
 * Test data for customers (an "object mother"): everything is valid by default, so a test spells out only the
 * detail it is about. Shared by the domain, application and end-to-end suites; keep it free of test-runner imports.
 */
import { type Clock, FixedClock } from '../clock';
import { Customer, type CustomerId, type CustomerInput, type CustomerSnapshot } from '../customer';
import type { AddressProps } from '../value-objects/address';
import { cpfCheckDigits } from '../value-objects/document';

/** The moment aClock() starts at; far enough from midnight UTC that no time zone changes its date. */
export const NOW = '2025-06-15T12:00:00.000Z';

export function aClock(at: string | Date = NOW): FixedClock {
  return new FixedClock(new Date(at));
}

/** A valid CPF (11 digits, no punctuation); different seeds give different CPFs. Seed 0 is 52998224725. */
export function aValidCpf(seed = 0): string {
  let body = 529982247 + seed * 1_000_003;
  // Repeated digits pass the check-digit test but are refused, so skip them.
  while (/^(\d)\1{8}$/.test(nineDigits(body))) body++;
  const first9 = nineDigits(body);
  return first9 + cpfCheckDigits(first9);
}

/** The same CPF as aValidCpf(seed), punctuated like 529.982.247-25. */
export function aFormattedCpf(seed = 0): string {
  const d = aValidCpf(seed);
  return `${d.slice(0, 3)}.${d.slice(3, 6)}.${d.slice(6, 9)}-${d.slice(9)}`;
}

/** A valid CNPJ in the 2026 alphanumeric form (the Receita Federal's own example). */
export function anAlphanumericCnpj(): string {
  return '12ABC34501DE35';
}

/** A distinct, valid email per seed, for tests that need several customers. */
export function anEmail(seed = 0): string {
  return seed === 0 ? 'ana.souza@example.com' : `customer-${seed}@example.com`;
}

export function anAddress(overrides: Partial<AddressProps> = {}): AddressProps {
  return {
    street: 'Avenida Paulista',
    number: '1578',
    complement: 'Conjunto 42',
    district: 'Bela Vista',
    city: 'São Paulo',
    state: 'SP',
    postalCode: '01310200',
    country: 'BR',
    ...overrides,
  };
}

/** A complete, valid request for a customer: every optional field present, in normalised form. */
export function aCustomerInput(overrides: Partial<CustomerInput> = {}): CustomerInput {
  return {
    name: 'Ana Souza',
    email: anEmail(),
    phone: '+5511987654321',
    document: { type: 'CPF', number: aValidCpf() },
    birthDate: '1990-04-01',
    addresses: [anAddress()],
    ...overrides,
  };
}

export interface RegisteredCustomerOptions {
  /** Defaults to "42". */
  readonly id?: CustomerId;
  /** Defaults to aClock(); it stamps createdAt and updatedAt. */
  readonly clock?: Clock;
}

/**
 * A customer as the repository hands it back after registration was saved: id set, version 1, persistedVersion 1,
 * no pending events. Use Customer.register directly to test registration itself.
 */
export function aRegisteredCustomer(
  overrides: Partial<CustomerInput> = {},
  options: RegisteredCustomerOptions = {},
): Customer {
  const registered = Customer.register(aCustomerInput(overrides), options.clock ?? aClock(), options.id ?? '42');
  return Customer.restore(registered.snapshot());
}

/** A customer as stored after an erasure: version 2, no personal data, no pending events. */
export function anErasedCustomer(options: RegisteredCustomerOptions = {}): Customer {
  const customer = aRegisteredCustomer({}, options);
  customer.erase(options.clock ?? aClock());
  return Customer.restore(customer.snapshot());
}

/** A stored active customer's snapshot, as the repository would read it from its rows. */
export function aCustomerSnapshot(overrides: Partial<CustomerSnapshot> = {}): CustomerSnapshot {
  return { ...aRegisteredCustomer().snapshot(), ...overrides };
}

function nineDigits(n: number): string {
  return String(n % 1_000_000_000).padStart(9, '0');
}
