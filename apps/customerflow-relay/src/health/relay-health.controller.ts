import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { BrokerHealthIndicator } from '@customerflow/outbox';

/**
 * The relay's probes. Liveness: the process answers. Readiness: it can do its job, which needs both the database
 * (to claim rows) and the broker (to publish them).
 */
@Controller('health')
export class RelayHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly broker: BrokerHealthIndicator,
  ) {}

  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(1500),
      () => this.broker.isHealthy('broker', { timeoutMs: 3000 }),
    ]);
  }
}
