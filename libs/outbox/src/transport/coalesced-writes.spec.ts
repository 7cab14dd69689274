import { Writable } from 'node:stream';
import type { ChannelModel } from 'amqplib';
import { coalesceWrites, socketOf } from './coalesced-writes';

/** A sink that records each call its stream machinery makes: one entry per write or writev, with its chunks. */
function recordingSink(): { sink: Writable; calls: string[][] } {
  const calls: string[][] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      calls.push([chunk.toString()]);
      callback();
    },
    writev(chunks, callback) {
      calls.push(chunks.map(({ chunk }) => (chunk as Buffer).toString()));
      callback();
    },
  });
  return { sink, calls };
}

const nextTick = () => new Promise((resolve) => process.nextTick(resolve));
const nextMacrotask = () => new Promise((resolve) => setImmediate(resolve));

describe('coalesceWrites', () => {
  it("sends one tick's writes as one call, in order", async () => {
    const { sink, calls } = recordingSink();
    coalesceWrites(sink);

    for (const frame of ['a', 'b', 'c', 'd']) sink.write(frame);
    expect(calls).toEqual([]); // held until the tick ends
    await nextTick();

    expect(calls).toEqual([['a', 'b', 'c', 'd']]);
  });

  it('holds nothing past its tick: writes of separate ticks go out separately, each as soon as its tick ends', async () => {
    const { sink, calls } = recordingSink();
    coalesceWrites(sink);

    sink.write('first');
    await nextMacrotask();
    expect(calls).toEqual([['first']]);
    sink.write('second');
    sink.write('third');
    await nextMacrotask();

    expect(calls).toEqual([['first'], ['second', 'third']]);
  });

  it('reports a full buffer as a plain stream does, and drains once uncorked', async () => {
    const { sink } = recordingSink();
    coalesceWrites(sink);
    const big = 'x'.repeat(sink.writableHighWaterMark);

    expect(sink.write(big)).toBe(false);
    const drained = new Promise((resolve) => sink.once('drain', resolve));
    await nextTick();
    await expect(drained).resolves.toBeUndefined();
  });

  it('wraps a stream once however often it is asked', async () => {
    const { sink, calls } = recordingSink();
    coalesceWrites(sink);
    coalesceWrites(sink);

    sink.write('a');
    sink.write('b');
    await nextTick();
    expect(sink.writableCorked).toBe(0);
    expect(calls).toEqual([['a', 'b']]);
  });
});

describe('socketOf', () => {
  it('finds the socket where amqplib keeps it, and admits it when it is not there', () => {
    const { sink } = recordingSink();
    expect(socketOf({ connection: { stream: sink } } as unknown as ChannelModel)).toBe(sink);
    expect(socketOf({ connection: {} } as unknown as ChannelModel)).toBeNull();
    expect(socketOf({} as unknown as ChannelModel)).toBeNull();
  });
});
