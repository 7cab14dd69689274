import { backoffDelayMs, BROKER_UNAVAILABLE_BACKOFF, judgeFailure, ROW_FAILURE_BACKOFF } from './backoff';

const middle = () => 0.5; // no jitter: the exponential itself
const lowest = () => 0;
const highest = () => 0.999999;

describe('backoffDelayMs', () => {
  it('doubles from 1 s per failure without jitter', () => {
    expect([0, 1, 2, 3, 4, 8].map((n) => backoffDelayMs(n, ROW_FAILURE_BACKOFF, middle))).toEqual([
      1000, 2000, 4000, 8000, 16000, 256000,
    ]);
  });

  it('never waits longer than 5 minutes, jitter included, however many failures', () => {
    for (const n of [9, 10, 20, 100, 1100]) {
      expect(backoffDelayMs(n, ROW_FAILURE_BACKOFF, highest)).toBe(300_000);
      expect(backoffDelayMs(n, ROW_FAILURE_BACKOFF, middle)).toBe(300_000);
    }
  });

  it('spreads retries by ±20%', () => {
    expect(backoffDelayMs(2, ROW_FAILURE_BACKOFF, lowest)).toBe(3200);
    expect(backoffDelayMs(2, ROW_FAILURE_BACKOFF, highest)).toBe(4800);
    expect(backoffDelayMs(20, ROW_FAILURE_BACKOFF, lowest)).toBe(240_000);
  });

  it('pauses for the broker from 250 ms up to 15 s', () => {
    expect(backoffDelayMs(0, BROKER_UNAVAILABLE_BACKOFF, middle)).toBe(250);
    expect(backoffDelayMs(3, BROKER_UNAVAILABLE_BACKOFF, middle)).toBe(2000);
    expect(backoffDelayMs(30, BROKER_UNAVAILABLE_BACKOFF, highest)).toBe(15_000);
  });
});

describe('judgeFailure', () => {
  const now = new Date('2026-01-01T00:00:00.000Z');

  it('schedules the next attempt after the backoff and counts the failure', () => {
    expect(judgeFailure(0, 20, now, ROW_FAILURE_BACKOFF, middle)).toEqual({
      kind: 'retry',
      attempts: 1,
      availableAt: new Date('2026-01-01T00:00:01.000Z'),
    });
    expect(judgeFailure(3, 20, now, ROW_FAILURE_BACKOFF, middle)).toEqual({
      kind: 'retry',
      attempts: 4,
      availableAt: new Date('2026-01-01T00:00:08.000Z'),
    });
  });

  it('dead-letters the row on its last allowed attempt', () => {
    expect(judgeFailure(18, 20, now, ROW_FAILURE_BACKOFF, middle)).toMatchObject({ kind: 'retry', attempts: 19 });
    expect(judgeFailure(19, 20, now, ROW_FAILURE_BACKOFF, middle)).toEqual({ kind: 'dead-letter', attempts: 20 });
    expect(judgeFailure(0, 1, now)).toEqual({ kind: 'dead-letter', attempts: 1 });
  });
});
