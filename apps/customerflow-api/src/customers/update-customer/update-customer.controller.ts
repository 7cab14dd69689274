import { Body, Controller, Header, Headers, Param, Patch, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ApiConsumes, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type CustomerRepresentation, CustomerCommandType } from '@customerflow/contracts';
import { UpdateCustomerCommand } from '@customerflow/customers';
import type { CommandMessage } from '@customerflow/inbox';
import { RequiresScope, Scope } from '../../access.decorators';
import { ApiProblemResponses, ApiResponseHeaders, ETAG_HEADER } from '../../api-responses.decorators';
import { subjectOf, validData, versionTag } from '../customer-message';
import { PausableWrite } from '../pausable-write';
import { CUSTOMERS_PATH, expectedTag, sendCustomerHeaders } from '../customer-http';
import { CustomerResponse } from '../customer.response';
import { UpdateCustomerMessage } from './update-customer.message';
import { mergePatchOf, UpdateCustomerRequest } from './update-customer.request';

@ApiTags('customers')
@Controller(CUSTOMERS_PATH)
export class UpdateCustomerController {
  constructor(private readonly commandBus: CommandBus) {}

  @PausableWrite()
  @RequiresScope(Scope.customersWrite)
  @Header('Cache-Control', 'no-store') // personal data: no shared or browser cache keeps a copy
  @Patch(':id')
  @ApiOperation({
    operationId: 'updateCustomer',
    summary: 'Change a customer',
    description:
      'A JSON merge patch (RFC 7396): fields present are set, `null` removes an optional one, `addresses` replaces the whole list. If-Match with the ETag you read is required, so a change made meanwhile by someone else is a 412, never overwritten. Announces `customerflow.customer.updated.v1` with the changed fields only.',
  })
  @ApiConsumes('application/merge-patch+json', 'application/json')
  @ApiHeader({
    name: 'If-Match',
    required: true,
    description: 'The ETag of the customer as read; missing → 428, stale → 412',
  })
  @ApiOkResponse({ type: CustomerResponse, description: 'Changed; the new ETag is in the ETag header' })
  @ApiResponseHeaders(200, ETAG_HEADER)
  @ApiProblemResponses(
    {
      status: 400,
      description: 'The patch is not valid (`errors` points at each field), is not JSON, or If-Match is malformed',
    },
    404,
    { status: 409, description: 'The new email or document is already registered to another customer' },
    410,
    412,
    413,
    415,
    428,
    503,
  )
  async update(
    @Param('id') id: string,
    @Body() body: UpdateCustomerRequest,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CustomerRepresentation> {
    const version = expectedTag(ifMatch, true);
    const customer = await this.commandBus.execute(new UpdateCustomerCommand(id, mergePatchOf(body), version));
    sendCustomerHeaders(response, customer);
    return customer;
  }

  /** The same command from RabbitMQ: `subject` is the customer, `data` is `{ version, patch }`. */
  @PausableWrite()
  @MessagePattern(CustomerCommandType.update)
  updateByMessage(
    @Payload() command: CommandMessage,
    @Payload('data', validData) message: UpdateCustomerMessage,
  ): Promise<CustomerRepresentation> {
    return this.commandBus.execute(
      new UpdateCustomerCommand(subjectOf(command), mergePatchOf(message.patch), versionTag(message.version)),
    );
  }
}
