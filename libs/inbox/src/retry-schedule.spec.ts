import { deadLetterQueueName, delayQueueName, retryDelayMs, retryDelays } from './retry-schedule';

const defaults = { maxAttempts: 10, retryBaseMs: 1000, retryMaxMs: 300_000 };

describe('the command retry schedule', () => {
  it('doubles from the base and caps at the maximum', () => {
    expect([1, 2, 3, 8, 9].map((attempt) => retryDelayMs(attempt, defaults))).toEqual([
      1000, 2000, 4000, 128_000, 256_000,
    ]);
    expect(retryDelayMs(9, { ...defaults, retryMaxMs: 60_000 })).toBe(60_000);
  });

  it('gives up after the last allowed attempt', () => {
    expect(retryDelayMs(10, defaults)).toBeNull();
    expect(retryDelayMs(1, { ...defaults, maxAttempts: 1 })).toBeNull();
  });

  it('needs one delay queue per distinct delay', () => {
    expect(retryDelays({ maxAttempts: 6, retryBaseMs: 100, retryMaxMs: 400 })).toEqual([100, 200, 400]);
    expect(retryDelays({ ...defaults, maxAttempts: 1 })).toEqual([]);
  });

  it('names the queues after the commands queue', () => {
    expect(delayQueueName('customerflow.commands', 2000)).toBe('customerflow.commands.retry.2000ms');
    expect(deadLetterQueueName('customerflow.commands')).toBe('customerflow.commands.dlq');
  });
});
