/**
 * The hand-written relay as a process of its own, the raw counterpart of apps/customerflow-relay: relays until
 * SIGTERM. Env: DATABASE_URL, AMQP_URL, AMQP_EXCHANGE, OUTBOX_BATCH_SIZE, OUTBOX_POLL_MS, POOL_SIZE, EVENTS_PUBLISHED.
 */
import { createRawPool } from './pool';
import { BrokerLink, eventVersions, RawRelay } from './relay';

async function main(): Promise<void> {
  const env = process.env;
  const exchange = env.AMQP_EXCHANGE ?? 'customerflow.events';
  const pool = createRawPool(env.DATABASE_URL!, Number(env.POOL_SIZE ?? 4));
  const broker = new BrokerLink(env.AMQP_URL!, exchange, 'raw-floor-relay');
  await broker.channel();
  const relay = new RawRelay(
    pool,
    broker,
    Number(env.OUTBOX_BATCH_SIZE ?? 100),
    Number(env.OUTBOX_POLL_MS ?? 1000),
    eventVersions(env.EVENTS_PUBLISHED),
  );
  relay.start();
  process.on('SIGTERM', () => {
    relay.stop();
    void broker.close().finally(() => void pool.end().finally(() => process.exit(0)));
  });
}

void main().catch((error: Error) => {
  console.error(`raw relay: ${error.message}`);
  process.exit(1);
});
