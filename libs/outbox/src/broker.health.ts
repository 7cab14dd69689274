/**
 * Readiness of the message transport, for terminus health checks: up when a message could be published now
 * (connecting to RabbitMQ if needed); always up for the in-memory transport.
 *
 * The relay process needs the broker to do its job, so there an outage is `down`. The API does not: its commits only
 * touch the database and the backlog drains when the broker returns. So the API should report an outage as
 * `degraded`, which terminus shows without failing the probe or taking the replica out of the load balancer.
 */
import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { OutboxTransport } from './transport/outbox.transport';

export interface BrokerHealthOptions {
  readonly timeoutMs?: number;
  /** What an unreachable broker makes this indicator: `down` (the default) fails the probe, `degraded` does not. */
  readonly whenUnavailable?: 'down' | 'degraded';
}

@Injectable()
export class BrokerHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly transport: OutboxTransport,
  ) {}

  async isHealthy(key = 'broker', options: BrokerHealthOptions = {}): Promise<HealthIndicatorResult> {
    const timeoutMs = options.timeoutMs ?? 3000;
    const indicator = this.health.check(key);
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.transport.check(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      return indicator.up({ transport: this.transport.name });
    } catch (error) {
      const details = { transport: this.transport.name, message: (error as Error).message };
      return options.whenUnavailable === 'degraded' ? indicator.degraded(details) : indicator.down(details);
    } finally {
      clearTimeout(timer);
    }
  }
}
