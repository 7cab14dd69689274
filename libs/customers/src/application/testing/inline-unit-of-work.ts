/**
 * A stand-in for the platform's UnitOfWork in handler specs: it runs the work at once, with no transaction, and
 * runs after-commit hooks only when the work succeeded. Enough for a handler, which only calls `run`.
 */
import type { UnitOfWork } from '@customerflow/platform';

export function inlineUnitOfWork(): UnitOfWork {
  let hooks: (() => void)[] | null = null;
  const stand: Pick<UnitOfWork, 'run' | 'afterCommit'> = {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (hooks) return work();
      hooks = [];
      try {
        const result = await work();
        for (const hook of hooks) hook();
        return result;
      } finally {
        hooks = null;
      }
    },
    afterCommit(hook: () => void): void {
      if (hooks) hooks.push(hook);
      else hook();
    },
  };
  return stand as UnitOfWork;
}
