import { Controller, Get, Header, Headers, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiNotModifiedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type CustomerView, entityTagOf, GetCustomerQuery } from '@customerflow/customers';
import { parseEntityTags } from '@customerflow/platform';
import { RequiresScope, Scope } from '../../access.decorators';
import { ApiProblemResponses, ApiResponseHeaders, ETAG_HEADER } from '../../api-responses.decorators';
import { CUSTOMERS_PATH, sendCustomerHeaders } from '../customer-http';
import { CustomerResponse } from '../customer.response';

@ApiTags('customers')
@Controller(CUSTOMERS_PATH)
export class GetCustomerController {
  constructor(private readonly queryBus: QueryBus) {}

  @RequiresScope(Scope.customersRead)
  @Header('Cache-Control', 'no-store') // personal data: no shared or browser cache keeps a copy
  @Get(':id')
  @ApiOperation({
    operationId: 'getCustomer',
    summary: 'Read a customer',
    description:
      'The customer as last committed, with its version as the ETag. An erased customer answers 410, an unknown id 404. Send the ETag in If-None-Match to get a 304 while it has not changed.',
  })
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag; 304 when the customer has not changed' })
  @ApiOkResponse({ type: CustomerResponse })
  @ApiResponseHeaders(200, ETAG_HEADER)
  @ApiNotModifiedResponse({
    description: "If-None-Match names the current version: no body, the client's copy is current",
    headers: ETAG_HEADER,
  })
  @ApiProblemResponses({ status: 400, description: 'If-None-Match is malformed' }, 404, 410, 503)
  async get(
    @Param('id') id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CustomerView | undefined> {
    const customer = await this.queryBus.execute(new GetCustomerQuery(id));
    sendCustomerHeaders(response, customer);
    if (ifNoneMatch !== undefined) {
      const tags = parseEntityTags(ifNoneMatch, 'If-None-Match');
      if (tags === '*' || tags.includes(entityTagOf(customer))) {
        void response.status(304);
        return undefined;
      }
    }
    return customer;
  }
}
