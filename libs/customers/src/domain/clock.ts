/**
 * Where the domain gets the current time. Passing a Clock instead of calling `new Date()` lets tests pin and move
 * time, so timestamps, event times and "not in the future" rules are checked exactly.
 */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}

/**
 * The system time to the whole second: legacy DATETIME/TIMESTAMP columns keep no fractions, so the times CustomerFlow
 * announces (responses, events) are the ones a later read of those columns returns.
 */
export class WholeSecondClock extends Clock {
  now(): Date {
    return new Date(Math.floor(Date.now() / 1000) * 1000);
  }
}

/** A clock that stands still until a test moves it. */
export class FixedClock extends Clock {
  constructor(private current: Date) {
    super();
    // A copy, so a caller mutating the Date it passed in cannot move this clock behind its back.
    this.current = new Date(current.getTime());
  }

  now(): Date {
    // A copy for the same reason: a Date stored in an aggregate must not change when the clock advances.
    return new Date(this.current.getTime());
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }

  set(d: Date): void {
    this.current = new Date(d.getTime());
  }
}
