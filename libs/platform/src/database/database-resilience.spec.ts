import { getEventListeners } from 'node:events';
import { BrokenCircuitError, TaskCancelledError } from 'cockatiel';
import { DatabaseResilience } from './database-resilience';

const refused = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:3306'), { code: 'ECONNREFUSED' });

describe('DatabaseResilience', () => {
  it('answers a hung call with a timeout and signals the call to give up', async () => {
    const resilience = new DatabaseResilience({ timeoutMs: 20, failuresToOpen: 5, halfOpenAfterMs: 1000 });
    let signal!: AbortSignal;
    const call = resilience.execute((s) => {
      signal = s;
      return new Promise(() => undefined);
    });
    await expect(call).rejects.toBeInstanceOf(TaskCancelledError);
    expect(signal.aborted).toBe(true);
  });

  it('opens after consecutive connection failures, fails fast, and closes after a successful trial', async () => {
    const resilience = new DatabaseResilience({ timeoutMs: 1000, failuresToOpen: 3, halfOpenAfterMs: 50 });
    for (let i = 0; i < 3; i++)
      await expect(resilience.execute(() => Promise.reject(refused()))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    let called = false;
    await expect(resilience.execute(() => Promise.resolve((called = true)))).rejects.toBeInstanceOf(BrokenCircuitError);
    expect(called).toBe(false);
    await new Promise((r) => setTimeout(r, 60));
    await expect(resilience.execute(() => Promise.resolve('ok'))).resolves.toBe('ok');
    await expect(resilience.execute(() => Promise.resolve('still ok'))).resolves.toBe('still ok');
  });

  it('does not count business errors such as a unique-key clash', async () => {
    const resilience = new DatabaseResilience({ timeoutMs: 1000, failuresToOpen: 2, halfOpenAfterMs: 10_000 });
    const clash = Object.assign(new Error('Duplicate entry'), { code: 'ER_DUP_ENTRY' });
    for (let i = 0; i < 5; i++) await expect(resilience.execute(() => Promise.reject(clash))).rejects.toBe(clash);
    await expect(resilience.execute(() => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('keeps the calls in flight off the signal cockatiel shares process-wide, and Node quiet about them', async () => {
    // cockatiel's default parent signal, not exported from its entry point: the listener list this test watches.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { neverAbortedSignal } = require('cockatiel/dist/common/abort') as { neverAbortedSignal: AbortSignal };
    const resilience = new DatabaseResilience({ timeoutMs: 1000, failuresToOpen: 5, halfOpenAfterMs: 1000 });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const answers: (() => void)[] = [];
    const calls = Array.from({ length: 20 }, () =>
      resilience.execute(() => new Promise<void>((resolve) => answers.push(resolve))),
    );
    await new Promise((resolve) => setImmediate(resolve));
    expect(answers).toHaveLength(20);
    expect(getEventListeners(neverAbortedSignal, 'abort')).toHaveLength(0);
    answers.forEach((answer) => answer());
    await Promise.all(calls);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', onWarning);
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });
});
