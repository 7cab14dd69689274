/** Request bodies for end-to-end tests: valid by default, unique where the API demands uniqueness. */
import { randomInt } from 'node:crypto';

let counter = 0;

export function aValidCpf(): string {
  const digits = Array.from({ length: 9 }, () => randomInt(10));
  if (digits.every((d) => d === digits[0])) digits[0] = (digits[0] + 1) % 10;
  for (const length of [9, 10]) {
    const sum = digits.slice(0, length).reduce((acc, d, i) => acc + d * (length + 1 - i), 0);
    const rest = (sum * 10) % 11;
    digits.push(rest === 10 ? 0 : rest);
  }
  return digits.join('');
}

export function aRegistration(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  counter += 1;
  const unique = `${Date.now().toString(36)}${counter}${randomInt(1e6)}`;
  return {
    name: `Ana Souza ${counter}`,
    email: `ana.${unique}@example.com`,
    phone: '+5511987654321',
    document: { type: 'CPF', number: aValidCpf() },
    birthDate: '1990-04-01',
    addresses: [
      {
        street: 'Avenida Paulista',
        number: '1578',
        complement: null,
        district: 'Bela Vista',
        city: 'São Paulo',
        state: 'SP',
        postalCode: '01310200',
        country: 'BR',
      },
    ],
    ...overrides,
  };
}
