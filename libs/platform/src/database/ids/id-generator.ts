/**
 * Where a new row's id comes from. `autoincrement` leaves it to the database (the id is known after the insert,
 * as in the legacy schemas this service sits on); `hilo` hands out ids from blocks reserved in `hilo_sequences`,
 * so the id is known before the insert and several processes never hand out the same one.
 */
export abstract class IdGenerator {
  /** The next id for `sequence` (a table name), or null when the database assigns it on insert. */
  abstract nextId(sequence: IdSequence): Promise<string | null>;
}

export interface IdSequence {
  /** The row in hilo_sequences. */
  readonly name: string;
  /** The table and column whose current maximum the first block is seeded above. */
  readonly table: string;
  readonly column: string;
}

export class AutoIncrementIdGenerator extends IdGenerator {
  nextId(): Promise<string | null> {
    return Promise.resolve(null);
  }
}
