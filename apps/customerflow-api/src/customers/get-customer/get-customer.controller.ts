import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { type CustomerView, GetCustomerQuery } from '@customerflow/customers';
import { parseEntityTags } from '@customerflow/platform';
import { CUSTOMERS_PATH, sendCustomerHeaders } from '../customer-http';
import { CustomerResponse } from '../customer.response';

@ApiTags('customers')
@Controller(CUSTOMERS_PATH)
export class GetCustomerController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get(':id')
  @ApiHeader({ name: 'If-None-Match', required: false, description: 'An ETag; 304 when the customer has not changed' })
  @ApiOkResponse({ type: CustomerResponse })
  async get(
    @Param('id') id: string,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<CustomerView | undefined> {
    const customer = await this.queryBus.execute(new GetCustomerQuery(id));
    sendCustomerHeaders(response, customer);
    if (ifNoneMatch !== undefined) {
      const tags = parseEntityTags(ifNoneMatch, 'If-None-Match');
      if (tags === '*' || tags.includes(customer.version)) {
        response.status(304);
        return undefined;
      }
    }
    return customer;
  }
}
