/**
 * Client-side load with Jepsen-style bookkeeping: every attempt is a unique registration whose outcome is what the
 * client saw — acknowledged (201, with the customer id), refused (another status), or indeterminate (the
 * connection failed, so the server may or may not have committed).
 */
import { randomUUID } from 'node:crypto';
import { sleep } from './service-process';

export interface Attempt {
  readonly email: string;
  status: number | 'error';
  customerId?: string;
}

export interface LoadOptions {
  readonly count: number;
  readonly concurrency: number;
  /** The API's current base URL (it changes when the API is restarted). */
  readonly baseUrl: () => string;
  /** Pause between a worker's requests, to hold a rate instead of saturating the API. */
  readonly pauseMs?: number;
  readonly onProgress?: (done: number) => void | Promise<void>;
}

export async function runRegistrationLoad(options: LoadOptions): Promise<Attempt[]> {
  const attempts: Attempt[] = [];
  let issued = 0;
  const worker = async () => {
    while (issued < options.count) {
      issued += 1;
      const attempt: Attempt = { email: `fault.${randomUUID()}@example.com`, status: 'error' };
      attempts.push(attempt);
      try {
        const response = await fetch(`${options.baseUrl()}/v1/customers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'Fault Test', email: attempt.email }),
          signal: AbortSignal.timeout(10_000),
        });
        attempt.status = response.status;
        const body = (await response.json()) as { id?: string };
        if (response.status === 201) attempt.customerId = body.id;
        if (response.status === 503) await sleep(250); // a client backing off as Retry-After asks, if more eagerly
      } catch {
        attempt.status = 'error';
        await sleep(250); // the API is down or restarting: do not spin
      }
      await options.onProgress?.(attempts.length);
      if (options.pauseMs) await sleep(options.pauseMs);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return attempts;
}
