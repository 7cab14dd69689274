import { matchesTopic } from './topic-pattern';

describe('matchesTopic', () => {
  it.each([
    ['customer.#', 'customer.registered', true],
    ['customer.#', 'customer', true],
    ['customer.#', 'order.created', false],
    ['#', 'customer.registered', true],
    ['customer.*', 'customer.registered', true],
    ['customer.*', 'customer.address.changed', false],
    ['*.registered', 'customer.registered', true],
    ['customer.registered', 'customer.registered', true],
    ['customer.registered', 'customer.updated', false],
    ['#.erased', 'customer.erased', true],
    ['customer.#.changed', 'customer.changed', true],
    ['customer.#.changed', 'customer.address.changed', true],
    ['customer.*.changed', 'customer.changed', false],
  ])('%s against %s is %s', (pattern, key, expected) => {
    expect(matchesTopic(pattern, key)).toBe(expected);
  });
});
