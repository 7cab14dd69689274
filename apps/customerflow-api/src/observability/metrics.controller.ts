import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { prometheusExporter } from '@customerflow/platform';

/** Prometheus scrape endpoint: host, HTTP and outbox metrics in the text exposition format. */
@ApiTags('health')
@Controller()
export class MetricsController {
  @Get('metrics')
  @ApiOkResponse({
    description: 'Prometheus text exposition format',
    content: { 'text/plain': { schema: { type: 'string' } } },
  })
  metrics(@Res() response: Response): void {
    prometheusExporter().getMetricsRequestHandler(response.req, response);
  }
}
