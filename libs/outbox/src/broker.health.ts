/**
 * Readiness of the message transport, for terminus health checks (the relay's `/health/ready`, and the API's if it
 * wants it): up when a message could be published now, connecting to RabbitMQ if needed; always up for the
 * in-memory transport.
 */
import { Injectable } from '@nestjs/common';
import { type HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { OutboxTransport } from './transport/outbox.transport';

@Injectable()
export class BrokerHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly transport: OutboxTransport,
  ) {}

  async isHealthy(key = 'broker', timeoutMs = 3000): Promise<HealthIndicatorResult> {
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
      return indicator.down({ transport: this.transport.name, message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}
