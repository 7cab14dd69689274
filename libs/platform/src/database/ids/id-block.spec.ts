import { IdBlock } from './id-block';

describe('IdBlock', () => {
  it('hands out [start, end) in order and then nothing', () => {
    const block = new IdBlock(10n, 13n);
    expect([block.take(), block.take(), block.take(), block.take()]).toEqual([10n, 11n, 12n, null]);
  });

  it('skips the ids legacy inserts took inside the block, wherever they are', () => {
    const block = new IdBlock(10n, 16n, [15n, 10n, 12n, 12n, 99n, 3n]);
    expect(block.remaining).toBe(3n);
    const ids: Array<bigint | null> = [];
    for (let i = 0; i < 4; i++) ids.push(block.take());
    expect(ids).toEqual([11n, 13n, 14n, null]);
  });

  it('is empty when every id was taken', () => {
    const block = new IdBlock(1n, 3n, [1n, 2n]);
    expect(block.remaining).toBe(0n);
    expect(block.take()).toBeNull();
  });
});
