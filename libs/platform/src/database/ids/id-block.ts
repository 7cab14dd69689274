/**
 * A reserved block of ids: [start, end) less the ids that legacy inserts took inside it while it was being
 * reserved. Handed out lowest first.
 */
export interface IdRange {
  next: bigint;
  /** Exclusive. */
  readonly end: bigint;
}

export class IdBlock {
  private readonly ranges: IdRange[];

  constructor(
    readonly start: bigint,
    readonly end: bigint,
    /** Ids inside [start, end) that already exist, in any order. */
    taken: readonly bigint[] = [],
  ) {
    this.ranges = freeRanges(start, end, taken);
  }

  get remaining(): bigint {
    return this.ranges.reduce((sum, r) => sum + (r.end - r.next), 0n);
  }

  /** The next free id, or null when the block is used up. */
  take(): bigint | null {
    while (this.ranges.length > 0) {
      const range = this.ranges[0];
      if (range.next < range.end) return range.next++;
      this.ranges.shift();
    }
    return null;
  }
}

export function freeRanges(start: bigint, end: bigint, taken: readonly bigint[]): IdRange[] {
  const inside = [...new Set(taken)].filter((id) => id >= start && id < end).sort((a, b) => (a < b ? -1 : 1));
  const ranges: IdRange[] = [];
  let from = start;
  for (const id of inside) {
    if (id > from) ranges.push({ next: from, end: id });
    from = id + 1n;
  }
  if (from < end) ranges.push({ next: from, end });
  return ranges;
}
