import type { OutboxMessage } from '../outbox-message';
import { holdBackOutOfOrder } from './per-aggregate-order';

function row(aggregateId: string, position: number): OutboxMessage {
  return {
    position,
    id: `id-${position}`,
    aggregateType: 'customer',
    aggregateId,
    type: 'customerflow.customer.updated.v1',
    payload: '{}',
    headers: {},
    occurredAt: new Date(0),
    attempts: 0,
  };
}
const positions = (messages: readonly OutboxMessage[]) => messages.map((m) => m.position);

describe('holdBackOutOfOrder', () => {
  it('lets the whole batch go when nothing earlier is owed', () => {
    const batch = [row('1', 10), row('2', 11), row('1', 12)];
    const gated = holdBackOutOfOrder(batch, []);
    expect(positions(gated.ready)).toEqual([10, 11, 12]);
    expect(gated.deferred).toEqual([]);
  });

  it('holds back every row of an aggregate after a row owed elsewhere, and only those', () => {
    const batch = [row('1', 10), row('2', 11), row('1', 12), row('2', 14), row('3', 15)];
    const gated = holdBackOutOfOrder(batch, [{ aggregateId: '2', position: 13 }]);
    expect(positions(gated.ready)).toEqual([10, 11, 12, 15]);
    expect(positions(gated.deferred)).toEqual([14]);
  });

  it('holds back all of an aggregate when its earliest owed row is before the batch', () => {
    const batch = [row('7', 20), row('7', 21), row('8', 22)];
    const gated = holdBackOutOfOrder(batch, [
      { aggregateId: '7', position: 3 },
      { aggregateId: '7', position: 1 },
    ]);
    expect(positions(gated.ready)).toEqual([22]);
    expect(positions(gated.deferred)).toEqual([20, 21]);
  });

  it('ignores owed rows of other aggregates and owed rows after the batch row', () => {
    const batch = [row('1', 5)];
    expect(
      positions(
        holdBackOutOfOrder(batch, [
          { aggregateId: '2', position: 1 },
          { aggregateId: '1', position: 9 },
        ]).ready,
      ),
    ).toEqual([5]);
  });
});
