/**
 * Customer data for the bench: registration bodies that are valid and unique per request (email and CPF), the
 * rows the seeder bulk-inserts, and the representation and CloudEvents envelope the raw floor writes, shaped like
 * the service's own (docs/contracts.md) so both sides move the same bytes.
 */
import { randomUUID } from 'node:crypto';

export interface AddressInput {
  street: string;
  number: string;
  complement: string | null;
  district: string;
  city: string;
  state: string;
  postalCode: string;
  country: string;
}

export interface RegistrationBody {
  name: string;
  email: string;
  phone: string;
  document: { type: 'CPF'; number: string };
  birthDate: string;
  addresses: AddressInput[];
}

export interface CustomerRecord {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  document: { type: 'CPF' | 'CNPJ'; number: string } | null;
  birthDate: string | null;
  addresses: AddressInput[];
  status: 'active' | 'inactive';
  createdAt: string;
  updatedAt: string;
  version: number;
}

const FIRST = [
  'Ana',
  'Bruno',
  'Carla',
  'Diego',
  'Elisa',
  'Fábio',
  'Gabriela',
  'Heitor',
  'Isabel',
  'João',
  'Karina',
  'Lucas',
];
const LAST = ['Souza', 'Silva', 'Oliveira', 'Santos', 'Pereira', 'Costa', 'Rodrigues', 'Almeida', 'Nascimento', 'Lima'];
const CITIES: Array<[string, string, string]> = [
  ['São Paulo', 'SP', 'Bela Vista'],
  ['Rio de Janeiro', 'RJ', 'Copacabana'],
  ['Belo Horizonte', 'MG', 'Savassi'],
  ['Curitiba', 'PR', 'Batel'],
  ['Porto Alegre', 'RS', 'Moinhos de Vento'],
  ['Recife', 'PE', 'Boa Viagem'],
];

/** A valid CPF for every `body9` from 100,000,000 to 999,999,999 that is not nine equal digits. */
export function cpfOf(body9: number): string {
  const first9 = String(body9).padStart(9, '0');
  return first9 + cpfCheckDigits(first9);
}

/** Registration CPFs start here; seeded customers use 100,000,001 onwards, so the two never meet. */
const REGISTRATION_CPF_BASE = 300_000_000;

export function registrationBody(sequence: number, tag: string): RegistrationBody {
  const [city, state, district] = CITIES[sequence % CITIES.length];
  return {
    name: `${FIRST[sequence % FIRST.length]} ${LAST[(sequence >> 3) % LAST.length]} ${sequence}`,
    email: `reg-${tag}-${sequence}@bench.example.com`,
    phone: `+55119${String(sequence % 100_000_000).padStart(8, '0')}`,
    document: { type: 'CPF', number: cpfOf(REGISTRATION_CPF_BASE + sequence) },
    birthDate: `19${50 + (sequence % 50)}-0${1 + (sequence % 9)}-${String(1 + (sequence % 28)).padStart(2, '0')}`,
    addresses: [anAddress(sequence, city, state, district)],
  };
}

/** The i-th seeded customer (i from 1): about one in five is inactive, created one second apart. */
export function seededCustomer(i: number, createdBase: number): CustomerRecord {
  const [city, state, district] = CITIES[i % CITIES.length];
  const at = new Date(createdBase + i * 1000).toISOString();
  return {
    id: String(i),
    name: `${FIRST[i % FIRST.length]} ${LAST[(i >> 3) % LAST.length]} ${i}`,
    email: `seed-${i}@bench.example.com`,
    phone: `+55219${String(i % 100_000_000).padStart(8, '0')}`,
    document: { type: 'CPF', number: cpfOf(100_000_000 + i) },
    birthDate: `19${50 + (i % 50)}-0${1 + (i % 9)}-${String(1 + (i % 28)).padStart(2, '0')}`,
    status: i % 5 === 0 ? 'inactive' : 'active',
    addresses: [anAddress(i, city, state, district)],
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
}

function anAddress(n: number, city: string, state: string, district: string): AddressInput {
  return {
    street: 'Avenida Paulista',
    number: String(1 + (n % 3000)),
    complement: n % 2 === 0 ? `Apto ${n % 200}` : null,
    district,
    city,
    state,
    postalCode: String(1_000_000 + (n % 8_999_999)).padStart(8, '0'),
    country: 'BR',
  };
}

/** The customer representation, in the service's key order. */
export function representationOf(c: CustomerRecord): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    document: c.document ? { type: c.document.type, number: c.document.number } : null,
    birthDate: c.birthDate,
    status: c.status,
    addresses: c.addresses.map((a) => ({ ...a })),
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    version: c.version,
  };
}

export const REGISTERED_TYPE = 'customerflow.customer.registered.v1';

/** The envelope of customer.registered, serialised as the outbox stores it. */
export function registeredEnvelope(c: CustomerRecord, id: string = randomUUID()): string {
  return JSON.stringify({
    specversion: '1.0',
    id,
    source: '/customerflow',
    type: REGISTERED_TYPE,
    subject: c.id,
    time: c.createdAt,
    datacontenttype: 'application/json',
    sequence: String(c.version),
    data: representationOf(c),
  });
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' UTC, the form the service writes DATETIME(3) columns in. */
export function toDb(date: Date | string): string {
  return (typeof date === 'string' ? date : date.toISOString()).replace('T', ' ').replace('Z', '');
}

export function cpfCheckDigits(first9: string): string {
  const values = [...first9].map(Number);
  const first = mod11(values, [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = mod11([...values, first], [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return `${first}${second}`;
}

function mod11(values: readonly number[], weights: readonly number[]): number {
  const sum = values.reduce((total, value, i) => total + value * weights[i], 0);
  const remainder = sum % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}

/** A small deterministic PRNG (mulberry32), so a run's id sequence is repeatable. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
