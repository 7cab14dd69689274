/**
 * Runs the relay (and the retention sweep) inside a Nest application: in the API when OUTBOX_RELAY=inprocess, and
 * always in `apps/customerflow-relay`. Starts once the application is up, and on shutdown finishes (or abandons)
 * the batch in flight before the database pool and the broker connection close.
 *
 * With RabbitMQ and OUTBOX_WAKEUPS=on, an API that does not relay sends a wake-up after each commit that wrote
 * outbox rows, and a process that relays listens to them (AmqpWakeups): the relay process claims an API's rows at
 * once rather than at its next poll.
 */
import { hostname } from 'node:os';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { AppConfig } from '@customerflow/platform';
import { createOutboxClaim } from './claim/outbox-claim';
import { OUTBOX_PUBLICATIONS, type OutboxPublicationsOf } from './outbox-publications';
import { OutboxRelay } from './outbox-relay';
import { OutboxRetention } from './outbox-retention';
import { OutboxSignal } from './outbox-signal';
import { AmqpWakeups } from './transport/amqp-wakeups';
import { OutboxTransport } from './transport/outbox.transport';

/** Provided (true) by `OutboxModule.forRelayProcess()`: run the relay whatever OUTBOX_RELAY says. */
export const RUN_OUTBOX_RELAY = Symbol('RUN_OUTBOX_RELAY');

const RETENTION_SWEEP_MS = 10 * 60_000;

@Injectable()
export class OutboxRelayHost implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private relay: OutboxRelay | null = null;
  private retention: OutboxRetention | null = null;
  private wakeups: AmqpWakeups | null = null;
  private stopSendingWakeups: (() => void) | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly transport: OutboxTransport,
    private readonly signal: OutboxSignal,
    @Optional() @Inject(RUN_OUTBOX_RELAY) private readonly runAlways?: boolean,
    @Optional() @Inject(OUTBOX_PUBLICATIONS) private readonly publicationsOf?: OutboxPublicationsOf,
  ) {}

  /** The running relay, or null when this process does not run one. */
  get runningRelay(): OutboxRelay | null {
    return this.relay;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { outbox } = this.config;
    const amqpUrl = outbox.wakeups === 'on' ? this.config.amqpUrl : undefined;
    const wakeups = (role: string) =>
      new AmqpWakeups(amqpUrl!, this.config.amqpExchange, `customerflow-${role}-wakeups@${hostname()}`);
    if (!this.runAlways && outbox.relay !== 'inprocess') {
      this.logger.log(
        'OUTBOX_RELAY=off: this process writes outbox rows, a separate customerflow-relay publishes them',
      );
      if (amqpUrl) {
        const sender = (this.wakeups = wakeups('api'));
        sender.prepare();
        this.stopSendingWakeups = this.signal.onWake(() => sender.send());
      }
      return;
    }
    const claim = await createOutboxClaim(this.dataSource, { mode: outbox.claim, leaseMs: outbox.leaseMs });
    this.relay = new OutboxRelay(claim, this.transport, {
      batchSize: outbox.batchSize,
      batchesInFlight: outbox.batchesInFlight,
      pollMs: outbox.pollMs,
      maxAttempts: outbox.maxAttempts,
      publicationsOf: this.publicationsOf,
    });
    this.retention = new OutboxRetention(this.dataSource, outbox.retentionHours);
    this.relay.start(this.signal);
    if (amqpUrl) {
      const relay = this.relay;
      this.wakeups = wakeups('relay');
      void this.wakeups.listen(() => relay.wake()); // never throws: without it the relay polls
    }
    this.retention.start(RETENTION_SWEEP_MS);
    this.logger.log(
      `relay started: ${this.transport.name} transport, ${claim.mode} claim, batches of ${outbox.batchSize} (up to ${outbox.batchesInFlight} in flight), ` +
        `polling every ${outbox.pollMs} ms, dead letter after ${outbox.maxAttempts} attempts`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopSendingWakeups?.();
    await Promise.all([this.relay?.stop(), this.retention?.stop(), this.wakeups?.close()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.transport.close();
  }
}
