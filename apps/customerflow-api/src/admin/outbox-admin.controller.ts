import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { type DeadLetterView, OutboxAdmin, type OutboxStats } from '@customerflow/outbox';
import { ProblemException } from '@customerflow/platform';
import { RequiresScope, Scope } from '../access.decorators';
import { ApiProblemResponses } from '../api-responses.decorators';
import { DeadLettersResponse, OutboxStatsResponse } from './outbox-admin.responses';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;

/**
 * Operators' view of the outbox: how far behind the relay is, which events were given up on, and requeueing one
 * once its cause is fixed. Requeue keeps the event id, so subscribers that did see it dedupe as usual.
 */
@ApiTags('admin')
@Controller('v1/admin/outbox')
export class OutboxAdminController {
  constructor(private readonly outbox: OutboxAdmin) {}

  @RequiresScope(Scope.outboxAdmin)
  @Get('stats')
  @ApiOperation({
    operationId: 'getOutboxStats',
    summary: 'Outbox backlog',
    description:
      'How far the relay is behind: pending and in-flight rows, dead letters, the age of the oldest pending event (the figure to alert on) and the events published in the last minute.',
  })
  @ApiOkResponse({ type: OutboxStatsResponse })
  @ApiProblemResponses(503)
  stats(): Promise<OutboxStats> {
    return this.outbox.stats();
  }

  @RequiresScope(Scope.outboxAdmin)
  @Get('dead-letters')
  @ApiOperation({
    operationId: 'listDeadLetters',
    summary: 'Dead letters',
    description: 'Events the relay gave up on after OUTBOX_MAX_ATTEMPTS failed publishes, oldest first (commit order).',
  })
  @ApiQuery({ name: 'limit', required: false, description: `1..${MAX_LIMIT}, default ${DEFAULT_LIMIT}` })
  @ApiOkResponse({ type: DeadLettersResponse, description: 'Dead letters in commit order' })
  @ApiProblemResponses({ status: 400, description: 'limit is not 1..500' }, 503)
  async deadLetters(@Query('limit') limit?: string): Promise<{ items: DeadLetterView[] }> {
    return { items: await this.outbox.deadLetters(parseLimit(limit)) };
  }

  @RequiresScope(Scope.outboxAdmin)
  @Post('dead-letters/:id/requeue')
  @ApiOperation({
    operationId: 'requeueDeadLetter',
    summary: 'Requeue a dead letter',
    description:
      'Makes a dead-lettered event due again with its attempts reset, once its cause is fixed. It keeps its event id, so subscribers that did receive it dedupe as usual.',
  })
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Requeued: attempts reset, due now' })
  @ApiProblemResponses(
    { status: 400, description: 'The id is not a UUID' },
    { status: 404, description: 'No outbox event has this id' },
    { status: 409, description: 'The event is not dead-lettered' },
    503,
  )
  async requeue(@Param('id') id: string): Promise<void> {
    if (!UUID.test(id)) {
      throw ProblemException.badRequest(`The event id must be a UUID (got ${JSON.stringify(id)}).`);
    }
    const outcome = await this.outbox.requeue(id);
    if (outcome === 'not-found') {
      throw new ProblemException({
        status: 404,
        slug: 'not-found',
        title: 'Not found',
        detail: `No outbox event has id ${id}.`,
      });
    }
    if (outcome === 'not-dead-lettered') {
      throw new ProblemException({
        status: 409,
        slug: 'not-dead-lettered',
        title: 'Not a dead letter',
        detail: `Outbox event ${id} is not dead-lettered: it is published or still being retried.`,
      });
    }
  }
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const limit = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= MAX_LIMIT)) {
    throw ProblemException.badRequest(
      `limit must be a whole number from 1 to ${MAX_LIMIT} (got ${JSON.stringify(raw)}).`,
    );
  }
  return limit;
}
