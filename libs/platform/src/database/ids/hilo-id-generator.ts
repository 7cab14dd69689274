import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { dialectOf, isUniqueViolation } from '../sql-dialect';
import { underSqliteWriteLock } from '../sqlite-write-lock';
import type { UnitOfWork } from '../unit-of-work';
import { maxId, moveCounter, quoteIdentifier, readCounter, serverFacts, withHiloLock } from './auto-increment-counter';
import { IdBlock } from './id-block';
import { IdGenerator, type IdSequence } from './id-generator';

/** How long a reservation waits for another process's reservation of the same table (GET_LOCK). */
const HILO_LOCK_WAIT_S = 10;
/**
 * How long moving the counter may wait for the table's metadata lock. While it waits, the server queues every new
 * statement on the table behind it, so legacy writers would stall with it: keep it short and try again instead
 * (a lock-wait timeout, which the unit of work retries).
 */
const COUNTER_MOVE_WAIT_S = 2;

interface SequenceState {
  readonly blocks: IdBlock[];
  pending: Promise<void> | null;
}

/**
 * HiLo ids that stay safe while legacy code keeps inserting into the same table with AUTO_INCREMENT.
 *
 * A block of `blockSize` ids is reserved by a short exchange of its own (never inside the command's transaction,
 * so a rolled-back command cannot give its block back to another process), then handed out from memory. On
 * MySQL/MariaDB a reservation, under a per-table GET_LOCK that serialises all processes:
 *
 * 1. claims [start, end) in `hilo_sequences` in a transaction of its own, start being above the stored high-water
 *    mark, the table's MAX(id) and its counter. Committed before anything else: a crash from here on leaves a gap.
 * 2. moves the table's AUTO_INCREMENT counter to `end` (see moveCounter). From then on a legacy insert draws an id
 *    at or above `end`, and the metadata lock that the move waits for means every insert that drew a value before
 *    it has committed or rolled back.
 * 3. reads the ids that legacy inserts took inside [start, end) between steps 1 and 2; the block skips them.
 *
 * InnoDB also moves the counter past every explicit id inserted, but our ids are below `end`, where it already is.
 * The next block is reserved in the background once half of the current one is used, so requests rarely wait.
 *
 * SQLite has one writer process and no counter to move: the reservation joins the caller's unit of work, or takes
 * the connection's write lock for a transaction of its own outside one.
 */
export class HiloIdGenerator extends IdGenerator {
  private readonly logger = new Logger(HiloIdGenerator.name);
  private readonly sequences = new Map<string, SequenceState>();
  private mariadb: Promise<boolean> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork | null,
    private readonly defaultBlockSize: number,
  ) {
    super();
  }

  async nextId(sequence: IdSequence): Promise<string> {
    const state = this.stateOf(sequence.name);
    for (;;) {
      const block = state.blocks[0];
      const id = block?.take() ?? null;
      if (id !== null) {
        if (state.blocks.length === 1 && block.remaining * 2n < BigInt(this.blockSizeOf(sequence))) {
          this.prefetch(sequence, state);
        }
        return id.toString();
      }
      if (block) {
        state.blocks.shift();
        continue;
      }
      await this.refill(sequence, state);
    }
  }

  private blockSizeOf(sequence: IdSequence): number {
    return sequence.blockSize ?? this.defaultBlockSize;
  }

  private stateOf(name: string): SequenceState {
    let state = this.sequences.get(name);
    if (!state) {
      state = { blocks: [], pending: null };
      this.sequences.set(name, state);
    }
    return state;
  }

  /** One reservation at a time per sequence within a process; concurrent callers wait for it. */
  private refill(sequence: IdSequence, state: SequenceState): Promise<void> {
    state.pending ??= this.reserveBlock(sequence)
      .then((block) => {
        state.blocks.push(block);
      })
      .finally(() => {
        state.pending = null;
      });
    return state.pending;
  }

  private prefetch(sequence: IdSequence, state: SequenceState): void {
    if (state.pending || dialectOf(this.dataSource) !== 'mysql') return;
    this.refill(sequence, state).catch((error: Error) =>
      // Not fatal: the caller that runs out of ids reserves (and reports a failure) in the foreground.
      this.logger.warn(`could not reserve the next id block for ${sequence.name} ahead of time: ${error.message}`),
    );
  }

  /** Reserves a block and returns it. Public for tests that check cross-process safety. */
  reserveBlock(sequence: IdSequence): Promise<IdBlock> {
    const size = BigInt(this.blockSizeOf(sequence));
    return dialectOf(this.dataSource) === 'mysql'
      ? this.reserveMovingCounter(sequence, size)
      : this.reserveOnSqlite(sequence, size);
  }

  private async reserveMovingCounter(sequence: IdSequence, size: bigint): Promise<IdBlock> {
    const runner = this.dataSource.createQueryRunner('master');
    try {
      await runner.connect();
      const mariadb = await this.isMariaDb(runner);
      return await withHiloLock(runner, sequence.table, HILO_LOCK_WAIT_S, async () => {
        const { start, end } = await this.claimRange(runner, sequence, size, mariadb);
        await runner.query('SET SESSION lock_wait_timeout = ?', [COUNTER_MOVE_WAIT_S]);
        try {
          await moveCounter(runner, sequence.table, end);
        } finally {
          await runner.query('SET SESSION lock_wait_timeout = DEFAULT').catch(() => undefined);
        }
        const column = quoteIdentifier(sequence.column);
        const rows = (await runner.query(
          `SELECT ${column} AS id FROM ${quoteIdentifier(sequence.table)} WHERE ${column} >= ? AND ${column} < ?`,
          [start.toString(), end.toString()],
        )) as Array<{ id: string | number }>;
        const block = new IdBlock(
          start,
          end,
          rows.map((r) => BigInt(r.id)),
        );
        if (rows.length > 0) {
          this.logger.debug(
            `${sequence.table}: ${rows.length} legacy insert(s) landed in [${start}, ${end}) and are skipped`,
          );
        }
        return block;
      });
    } catch (error) {
      this.logger.error(`could not reserve an id block for ${sequence.name}: ${(error as Error).message}`);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** Step 1: the range, claimed and committed in `hilo_sequences`. */
  private async claimRange(
    runner: QueryRunner,
    sequence: IdSequence,
    size: bigint,
    mariadb: boolean,
  ): Promise<{ start: bigint; end: bigint }> {
    await runner.startTransaction('READ COMMITTED');
    try {
      const stored = (await runner.query('SELECT next_value FROM hilo_sequences WHERE name = ? FOR UPDATE', [
        sequence.name,
      ])) as Array<{ next_value: string | number }>;
      const candidates = [
        stored.length > 0 ? BigInt(stored[0].next_value) : 1n,
        (await maxId(runner, sequence.table, sequence.column)) + 1n,
        (await readCounter(runner, sequence.table, mariadb)) ?? 1n,
      ];
      const start = candidates.reduce((a, b) => (a > b ? a : b));
      const end = start + size;
      await runner.query(
        'INSERT INTO hilo_sequences (name, next_value) VALUES (?, ?) ON DUPLICATE KEY UPDATE next_value = VALUES(next_value)',
        [sequence.name, end.toString()],
      );
      await runner.commitTransaction();
      return { start, end };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    }
  }

  private isMariaDb(runner: QueryRunner): Promise<boolean> {
    this.mariadb ??= serverFacts(runner).then((facts) => facts.mariadb);
    this.mariadb.catch(() => (this.mariadb = null));
    return this.mariadb;
  }

  /**
   * SQLite: one process writes, on one connection, so the reservation joins the caller's unit of work (which holds
   * the write lock); without one it takes the lock for a transaction of its own.
   */
  private async reserveOnSqlite(sequence: IdSequence, size: bigint): Promise<IdBlock> {
    const work = async (manager: EntityManager): Promise<bigint> => {
      const seed = `(SELECT COALESCE(MAX(${quoteIdentifier(sequence.column)}), 0) + 1 FROM ${quoteIdentifier(sequence.table)})`;
      const updated = await manager
        .createQueryBuilder()
        .update('hilo_sequences')
        .set({ next_value: () => `MAX(next_value, ${seed}) + ${size.toString()}` })
        .where('name = :name', { name: sequence.name })
        .execute();
      if (updated.affected === 0) {
        await manager.query(`INSERT INTO hilo_sequences (name, next_value) SELECT ?, ${seed} + ?`, [
          sequence.name,
          size.toString(),
        ]);
      }
      const rows = await manager.query<Array<{ next_value: string | number }>>(
        'SELECT next_value FROM hilo_sequences WHERE name = ?',
        [sequence.name],
      );
      return BigInt(rows[0].next_value);
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const end = this.unitOfWork
          ? await this.unitOfWork.run(() => work(this.unitOfWork!.manager))
          : await underSqliteWriteLock(this.dataSource, () => this.dataSource.transaction(work));
        return new IdBlock(end - size, end);
      } catch (error) {
        if (isUniqueViolation(error) && attempt < 5) continue;
        throw error;
      }
    }
  }
}
