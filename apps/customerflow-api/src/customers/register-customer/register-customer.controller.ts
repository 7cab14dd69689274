import { Body, Controller, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import type { CustomerRepresentation } from '@customerflow/contracts';
import { RegisterCustomerCommand } from '@customerflow/customers';
import { Idempotent } from '@customerflow/platform';
import { CUSTOMERS_PATH, sendCustomerHeaders } from '../customer-http';
import { CustomerResponse } from '../customer.response';
import { RegisterCustomerRequest } from './register-customer.request';

@ApiTags('customers')
@Controller(CUSTOMERS_PATH)
export class RegisterCustomerController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post()
  @Idempotent()
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key + same body replays the first response for 24 h' })
  @ApiCreatedResponse({ type: CustomerResponse, description: 'Registered; Location and ETag headers name the new customer' })
  async register(@Body() body: RegisterCustomerRequest, @Res({ passthrough: true }) response: Response): Promise<CustomerRepresentation> {
    const customer = await this.commandBus.execute(
      new RegisterCustomerCommand({ ...body, addresses: body.addresses?.map((a) => ({ ...a, complement: a.complement ?? null })) }),
    );
    response.location(`/${CUSTOMERS_PATH}/${customer.id}`);
    sendCustomerHeaders(response, customer);
    return customer;
  }
}
