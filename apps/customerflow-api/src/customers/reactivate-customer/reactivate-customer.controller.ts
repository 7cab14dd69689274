import { Controller, Header, Headers, HttpCode, Param, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type CustomerRepresentation, CustomerCommandType } from '@customerflow/contracts';
import { ReactivateCustomerCommand } from '@customerflow/customers';
import type { CommandMessage } from '@customerflow/inbox';
import { RequiresScope, Scope } from '../../access.decorators';
import { ApiProblemResponses, ApiResponseHeaders, ETAG_HEADER } from '../../api-responses.decorators';
import { ExpectedVersionMessage, subjectOf, validData, versionTag } from '../customer-message';
import { PausableWrite } from '../pausable-write';
import { CUSTOMERS_PATH, expectedTag, sendCustomerHeaders } from '../customer-http';
import { CustomerResponse } from '../customer.response';

@ApiTags('customers')
@Controller(CUSTOMERS_PATH)
export class ReactivateCustomerController {
  constructor(private readonly commandBus: CommandBus) {}

  @PausableWrite()
  @RequiresScope(Scope.customersWrite)
  @Header('Cache-Control', 'no-store') // personal data: no shared or browser cache keeps a copy
  @Post(':id/reactivate')
  @ApiOperation({
    operationId: 'reactivateCustomer',
    summary: 'Reactivate a customer',
    description:
      'Marks an inactive customer active again and announces `customerflow.customer.reactivated.v1`; 409 if it is active already.',
  })
  @HttpCode(200)
  @ApiHeader({ name: 'If-Match', required: false, description: 'Optional ETag; stale → 412' })
  @ApiOkResponse({ type: CustomerResponse })
  @ApiResponseHeaders(200, ETAG_HEADER)
  @ApiProblemResponses(
    { status: 400, description: 'If-Match is malformed' },
    404,
    { status: 409, description: 'The customer is already active' },
    410,
    412,
    413,
    415,
    503,
  )
  async reactivate(
    @Param('id') id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CustomerRepresentation> {
    const customer = await this.commandBus.execute(new ReactivateCustomerCommand(id, expectedTag(ifMatch, false)));
    sendCustomerHeaders(response, customer);
    return customer;
  }

  /** The same command from RabbitMQ: `subject` is the customer, `data` is `{ version? }`. */
  @PausableWrite()
  @MessagePattern(CustomerCommandType.reactivate)
  reactivateByMessage(
    @Payload() command: CommandMessage,
    @Payload('data', validData) message: ExpectedVersionMessage,
  ): Promise<CustomerRepresentation> {
    return this.commandBus.execute(new ReactivateCustomerCommand(subjectOf(command), versionTag(message.version)));
  }
}
