/**
 * Where a new row's id comes from. `autoincrement` leaves it to the database (the id is known after the insert,
 * as in the legacy schemas this service sits on); `hilo` hands out ids from blocks reserved in `hilo_sequences`,
 * so the id is known before the insert and several processes never hand out the same one.
 */
export type IdStrategyName = 'autoincrement' | 'hilo';

export abstract class IdGenerator {
  /** The next id for `sequence` (a table name), or null when the database assigns it on insert. */
  abstract nextId(sequence: IdSequence): Promise<string | null>;
}

export interface IdSequence {
  /** The row in hilo_sequences: the table's name. */
  readonly name: string;
  /** The table and its AUTO_INCREMENT id column. */
  readonly table: string;
  readonly column: string;
  /** Overrides the process default (`ID_STRATEGY`), e.g. from the schema map's `ids` entry of this table. */
  readonly strategy?: IdStrategyName;
  /** Overrides the process default (`HILO_BLOCK_SIZE`). */
  readonly blockSize?: number;
}

/**
 * The strategy per table: a sequence that names one (the schema map's `ids` entry) gets it, every other sequence
 * the process default. Hilo sequences share one {@link IdGenerator} that does the reserving.
 */
export class PerTableIdGenerator extends IdGenerator {
  constructor(
    private readonly defaults: { readonly strategy: IdStrategyName; readonly blockSize: number },
    private readonly hilo: IdGenerator,
  ) {
    super();
  }

  nextId(sequence: IdSequence): Promise<string | null> {
    if ((sequence.strategy ?? this.defaults.strategy) === 'autoincrement') return Promise.resolve(null);
    return this.hilo.nextId({ ...sequence, blockSize: sequence.blockSize ?? this.defaults.blockSize });
  }
}
