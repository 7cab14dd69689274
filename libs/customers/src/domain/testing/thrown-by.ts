/**
 * Runs a function that is expected to throw and returns what it threw, so a test can assert the error's class and
 * its code. A test that only checks "it threw" would also pass when the code fails for an unrelated reason.
 */
export function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('Expected the action to throw, but it returned normally');
}
