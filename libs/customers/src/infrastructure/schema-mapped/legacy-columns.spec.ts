import { maxCodePoint } from './legacy-columns';

describe('maxCodePoint', () => {
  it.each<[string | null, number | null]>([
    ['utf8mb4', null],
    ['utf8mb3', 0xffff],
    ['utf8', 0xffff],
    ['latin1', 0xff],
    ['ascii', 0x7f],
    [null, null],
  ])('%s stores code points up to %s', (charset, limit) => {
    expect(maxCodePoint(charset)).toBe(limit);
  });
});
