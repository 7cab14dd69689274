/**
 * A relay built by hand in the test process, with its own data source, claim and RabbitMQ connection: the same
 * objects the Nest host wires, minus Nest, so a test can drive batches one by one or start it like the app does.
 */
import type { DataSource } from 'typeorm';
import {
  type BackoffPolicy,
  type ClaimMode,
  createOutboxClaim,
  OutboxRelay,
  OutboxSignal,
  RabbitMqTransport,
} from '../../libs/outbox/src';

export interface InProcessRelayOptions {
  readonly exchange: string;
  readonly claim: ClaimMode;
  readonly batchSize?: number;
  /** As the app's OUTBOX_BATCHES_IN_FLIGHT; default 2, the app's default. */
  readonly batchesInFlight?: number;
  readonly pollMs?: number;
  readonly maxAttempts?: number;
  readonly leaseMs?: number;
  readonly rowBackoff?: BackoffPolicy;
  readonly unavailableBackoff?: BackoffPolicy;
}

export interface InProcessRelay {
  readonly relay: OutboxRelay;
  readonly transport: RabbitMqTransport;
  readonly signal: OutboxSignal;
  close(): Promise<void>;
}

export async function inProcessRelay(dataSource: DataSource, options: InProcessRelayOptions): Promise<InProcessRelay> {
  const transport = new RabbitMqTransport({
    url: process.env.AMQP_URL!,
    exchange: options.exchange,
    confirmTimeoutMs: 5000,
  });
  const claim = await createOutboxClaim(dataSource, { mode: options.claim, leaseMs: options.leaseMs ?? 30_000 });
  const relay = new OutboxRelay(claim, transport, {
    batchSize: options.batchSize ?? 100,
    batchesInFlight: options.batchesInFlight ?? 2,
    pollMs: options.pollMs ?? 1000,
    maxAttempts: options.maxAttempts ?? 20,
    rowBackoff: options.rowBackoff,
    unavailableBackoff: options.unavailableBackoff,
  });
  const signal = new OutboxSignal();
  return {
    relay,
    transport,
    signal,
    async close() {
      await relay.stop();
      await transport.close();
    },
  };
}
