import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { BrokerHealthIndicator } from '@customerflow/outbox';
import { ApiProblemResponses } from '../api-responses.decorators';

/**
 * Kubernetes probes. Liveness says only that the process answers (restarting it would not fix a database outage);
 * readiness says whether it can serve writes, so a replica whose database is gone leaves the load balancer. The
 * broker is reported but only as degraded: writes never need it (the outbox holds events until it is back).
 */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly broker: BrokerHealthIndicator,
  ) {}

  @Get('live')
  @ApiProblemResponses({ status: 503, description: 'The process cannot serve at all', headers: {} })
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiProblemResponses({ status: 503, description: 'Not ready: the database cannot be reached', headers: {} })
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(1500),
      () => this.broker.isHealthy('broker', { whenUnavailable: 'degraded' }),
    ]);
  }
}
