/**
 * The broker-side retry schedule of a command that failed for a transient reason: attempt n waits
 * base × 2^(n-1), at most max, in a delay queue of that length. One queue per distinct delay, because RabbitMQ
 * expires messages only at the head of a queue: with one queue and per-message TTLs, a message waiting 5 minutes
 * would hold back one that should wait 1 second. Pure, so the numbers are checked by unit tests.
 */
export interface RetrySettings {
  readonly maxAttempts: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
}

/** The delay after failed attempt `attempt` (1-based), or null when it was the last one allowed. */
export function retryDelayMs(attempt: number, settings: RetrySettings): number | null {
  if (attempt >= settings.maxAttempts) return null;
  return Math.min(settings.retryMaxMs, settings.retryBaseMs * 2 ** Math.max(0, attempt - 1));
}

/** Every delay the schedule can ask for, shortest first: one delay queue each. */
export function retryDelays(settings: RetrySettings): number[] {
  const delays = new Set<number>();
  for (let attempt = 1; attempt < settings.maxAttempts; attempt++) delays.add(retryDelayMs(attempt, settings)!);
  return [...delays].sort((a, b) => a - b);
}

export function delayQueueName(commandsQueue: string, delayMs: number): string {
  return `${commandsQueue}.retry.${delayMs}ms`;
}

export function deadLetterQueueName(commandsQueue: string): string {
  return `${commandsQueue}.dlq`;
}
