import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Open } from '../access.decorators';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { BrokerHealthIndicator } from '@customerflow/outbox';
import { ApiProblemResponses } from '../api-responses.decorators';

/**
 * Kubernetes probes. Liveness says only that the process answers (restarting it would not fix a database outage);
 * readiness says whether it can serve writes, so a replica whose database is gone leaves the load balancer. The
 * broker is reported but only as degraded: writes never need it (the outbox holds events until it is back).
 */
@Open()
@SkipThrottle() // probes and scrapes come from the cluster on a schedule of their own
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly broker: BrokerHealthIndicator,
  ) {}

  @Get('live')
  @ApiOperation({
    operationId: 'probeLiveness',
    summary: 'Liveness probe',
    description:
      '200 while the process answers at all. It does not look at the database: restarting the process would not fix an outage there.',
  })
  @ApiProblemResponses({ status: 503, description: 'The process cannot serve at all', headers: {} })
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiOperation({
    operationId: 'probeReadiness',
    summary: 'Readiness probe',
    description:
      '200 when this replica can serve writes (the database answers); 503 otherwise, so it leaves the load balancer. An unreachable broker shows as `degraded` only: writes never wait for it.',
  })
  @ApiProblemResponses({ status: 503, description: 'Not ready: the database cannot be reached', headers: {} })
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.database.pingCheck('database').withTimeout(1500),
      () => this.broker.isHealthy('broker', { whenUnavailable: 'degraded' }),
    ]);
  }
}
