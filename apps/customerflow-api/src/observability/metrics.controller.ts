import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Open } from '../access.decorators';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusMetrics } from '@customerflow/platform';

/** Prometheus scrape endpoint: host, HTTP and outbox metrics in the text exposition format. */
@Open()
@SkipThrottle() // probes and scrapes come from the cluster on a schedule of their own
@ApiTags('health')
@Controller()
export class MetricsController {
  @Get('metrics')
  @ApiOperation({
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    description:
      'Host, HTTP and outbox metrics (pending rows, dead letters, age of the oldest pending event, events relayed by this process) in the Prometheus text exposition format.',
  })
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  @ApiOkResponse({
    description: 'Prometheus text exposition format',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  metrics(): Promise<string> {
    return renderPrometheusMetrics();
  }
}
