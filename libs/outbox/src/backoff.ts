/**
 * Delay arithmetic for the relay: how long a row that failed to publish waits before its next attempt, and how
 * long the relay pauses while the broker is unreachable. Pure, so the numbers are checked by unit tests.
 */

export interface BackoffPolicy {
  /** Delay after the first failure. */
  readonly baseMs: number;
  /** No delay is ever longer than this, jitter included. */
  readonly maxMs: number;
  /** ± this fraction of the delay, drawn at random, so rows (or relays) that failed together do not retry together. */
  readonly jitter: number;
}

/** A failed row waits 1 s × 2^n, at most 5 minutes (libs/outbox/README.md, "Failures"). */
export const ROW_FAILURE_BACKOFF: BackoffPolicy = { baseMs: 1000, maxMs: 5 * 60_000, jitter: 0.2 };

/** While the broker is down: retry soon, but settle at a pace that neither floods its logs nor a recovering broker. */
export const BROKER_UNAVAILABLE_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 15_000, jitter: 0.2 };

/**
 * The delay before the next attempt after `failuresSoFar` earlier failures (0 for the first failure):
 * base × 2^failuresSoFar with jitter, capped at maxMs.
 */
export function backoffDelayMs(
  failuresSoFar: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  // 2^n overflows to Infinity long before n reaches the attempt limits in use; Math.min caps it either way.
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, failuresSoFar));
  const jittered = exponential * (1 - policy.jitter + 2 * policy.jitter * random());
  return Math.round(Math.min(policy.maxMs, Math.max(0, jittered)));
}

/** What happens to a row after one more failed publish. */
export type FailureVerdict =
  | { readonly kind: 'retry'; readonly attempts: number; readonly availableAt: Date }
  | { readonly kind: 'dead-letter'; readonly attempts: number };

export function judgeFailure(
  attemptsSoFar: number,
  maxAttempts: number,
  now: Date,
  policy: BackoffPolicy = ROW_FAILURE_BACKOFF,
  random: () => number = Math.random,
): FailureVerdict {
  const attempts = attemptsSoFar + 1;
  if (attempts >= maxAttempts) return { kind: 'dead-letter', attempts };
  return {
    kind: 'retry',
    attempts,
    availableAt: new Date(now.getTime() + backoffDelayMs(attemptsSoFar, policy, random)),
  };
}
