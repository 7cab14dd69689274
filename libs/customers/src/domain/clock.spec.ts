import { FixedClock, SystemClock } from './clock';

describe('FixedClock', () => {
  it('tells the time it was given', () => {
    expect(new FixedClock(new Date('2025-06-15T12:00:00.000Z')).now().toISOString()).toBe('2025-06-15T12:00:00.000Z');
  });

  it('moves forward when advanced', () => {
    const clock = new FixedClock(new Date('2025-06-15T12:00:00.000Z'));

    clock.advance(1500);

    expect(clock.now().toISOString()).toBe('2025-06-15T12:00:01.500Z');
  });

  it('jumps to the time it is set to', () => {
    const clock = new FixedClock(new Date('2025-06-15T12:00:00.000Z'));

    clock.set(new Date('2030-01-01T00:00:00.000Z'));

    expect(clock.now().toISOString()).toBe('2030-01-01T00:00:00.000Z');
  });

  it('is not moved by mutating a Date it handed out', () => {
    const clock = new FixedClock(new Date('2025-06-15T12:00:00.000Z'));

    clock.now().setUTCFullYear(1999);

    expect(clock.now().toISOString()).toBe('2025-06-15T12:00:00.000Z');
  });

  it('is not moved by mutating the Date it was created with', () => {
    const start = new Date('2025-06-15T12:00:00.000Z');
    const clock = new FixedClock(start);

    start.setUTCFullYear(1999);

    expect(clock.now().toISOString()).toBe('2025-06-15T12:00:00.000Z');
  });
});

describe('SystemClock', () => {
  it('tells the current time', () => {
    const before = Date.now();
    const now = new SystemClock().now().getTime();

    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
  });
});
