/**
 * amqplib hands every publish to its socket with a write of its own: a batch of 100 rows published as `.v1` and
 * `.v2` is 200 system calls, and on loopback each one also runs the broker's side of the TCP stack in the sender's
 * call. Coalescing the writes of one tick into one (Node's idiom for `cork()`: cork at the first write, uncork on
 * the next tick) sends the batch in one `writev`, and lets the broker read it in a few large reads instead of 200.
 * Nothing waits longer than the current tick: a publish made alone goes out as soon as it did before.
 */
import type { Writable } from 'node:stream';
import type { ChannelModel } from 'amqplib';

const COALESCED = Symbol('customerflow.coalescedWrites');

/** Makes the writes `stream` receives during one tick leave it as one. Idempotent. */
export function coalesceWrites(stream: Writable): void {
  const marked = stream as Writable & { [COALESCED]?: true };
  if (marked[COALESCED]) return;
  marked[COALESCED] = true;
  const write = stream.write.bind(stream);
  let corked = false;
  const uncork = () => {
    corked = false;
    stream.uncork();
  };
  stream.write = ((...args: Parameters<Writable['write']>): boolean => {
    if (!corked) {
      corked = true;
      stream.cork();
      process.nextTick(uncork);
    }
    return write(...args);
  }) as Writable['write'];
}

/**
 * The socket under an amqplib connection. amqplib keeps it as the `stream` of the connection behind its promise
 * API's model, which its typings do not declare; null if a later version keeps it elsewhere, and then the writes
 * stay one per publish, which is slower but correct.
 */
export function socketOf(connection: ChannelModel): Writable | null {
  const stream = (connection as unknown as { connection?: { stream?: unknown } }).connection?.stream;
  const writable = stream as Partial<Writable> | undefined;
  return writable && typeof writable.write === 'function' && typeof writable.cork === 'function'
    ? (writable as Writable)
    : null;
}
