import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager } from 'typeorm';
import { dialectOf, isUniqueViolation } from '../sql-dialect';
import type { UnitOfWork } from '../unit-of-work';
import { IdGenerator, type IdSequence } from './id-generator';

interface Block {
  next: bigint;
  end: bigint; // exclusive
}

/**
 * HiLo ids: a block of `blockSize` ids is reserved by one short transaction of its own (never the command's, so a
 * rolled-back command cannot give its block back to another process), then handed out from memory.
 *
 * Each reservation starts above both the stored high-water mark and the table's current MAX(id). The latter is
 * what eases a move from auto-increment: rows inserted by replicas still on `autoincrement` push the next block
 * past them instead of colliding with it.
 */
export class HiloIdGenerator extends IdGenerator {
  private readonly logger = new Logger(HiloIdGenerator.name);
  private readonly blocks = new Map<string, Block>();
  private readonly pending = new Map<string, Promise<Block>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly unitOfWork: UnitOfWork,
    private readonly blockSize: number,
  ) {
    super();
  }

  async nextId(sequence: IdSequence): Promise<string> {
    for (;;) {
      const block = this.blocks.get(sequence.name);
      if (block && block.next < block.end) {
        const id = block.next;
        block.next += 1n;
        return id.toString();
      }
      // One reservation at a time per sequence within a process; concurrent callers wait for it.
      let reservation = this.pending.get(sequence.name);
      if (!reservation) {
        reservation = this.reserveBlock(sequence).finally(() => this.pending.delete(sequence.name));
        this.pending.set(sequence.name, reservation);
      }
      this.blocks.set(sequence.name, await reservation);
    }
  }

  /**
   * MySQL: a transaction on its own pooled connection, committed before the caller's. SQLite: one process writes,
   * on one connection, so the reservation joins the caller's unit of work (or runs as its own when there is none).
   */
  private inOwnTransaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (dialectOf(this.dataSource) === 'mysql') return this.dataSource.transaction(work);
    return this.unitOfWork.run(() => work(this.unitOfWork.manager));
  }

  /** Reserves [end - blockSize, end) and returns it. Public for tests that check cross-process safety. */
  async reserveBlock(sequence: IdSequence): Promise<Block> {
    const size = BigInt(this.blockSize);
    for (let attempt = 1; ; attempt++) {
      try {
        const end = await this.inOwnTransaction(async (manager) => {
          const greatest = dialectOf(this.dataSource) === 'sqlite' ? 'MAX' : 'GREATEST';
          const seed = `(SELECT COALESCE(MAX(${sequence.column}), 0) + 1 FROM ${sequence.table})`;
          const updated = await manager
            .createQueryBuilder()
            .update('hilo_sequences')
            .set({ next_value: () => `${greatest}(next_value, ${seed}) + ${Number(this.blockSize)}` })
            .where('name = :name', { name: sequence.name })
            .execute();
          if (updated.affected === 0) {
            await manager.query(`INSERT INTO hilo_sequences (name, next_value) SELECT ?, ${seed} + ?`, [
              sequence.name,
              this.blockSize,
            ]);
          }
          const rows: Array<{ next_value: string | number }> = await manager.query(
            'SELECT next_value FROM hilo_sequences WHERE name = ?',
            [sequence.name],
          );
          return BigInt(rows[0].next_value);
        });
        return { next: end - size, end };
      } catch (error) {
        // Two processes seeding the same new sequence: the loser retries and takes the UPDATE path.
        if (isUniqueViolation(error) && attempt < 5) continue;
        this.logger.error(`could not reserve an id block for ${sequence.name}: ${(error as Error).message}`);
        throw error;
      }
    }
  }
}
