import { Controller, Get, Header } from '@nestjs/common';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheusMetrics } from '@customerflow/platform';

/** Prometheus scrape endpoint of the relay: the outbox gauges, this relay's counters, host metrics. */
@Controller()
export class RelayMetricsController {
  @Get('metrics')
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  metrics(): Promise<string> {
    return renderPrometheusMetrics();
  }
}
