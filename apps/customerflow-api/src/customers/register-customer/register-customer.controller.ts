import { Body, Controller, Header, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type CustomerRepresentation, CustomerCommandType } from '@customerflow/contracts';
import { RegisterCustomerCommand } from '@customerflow/customers';
import { Idempotent } from '@customerflow/platform';
import { RequiresScope, Scope } from '../../access.decorators';
import {
  ApiProblemResponses,
  ApiResponseHeaders,
  ETAG_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  LOCATION_HEADER,
} from '../../api-responses.decorators';
import { validData } from '../customer-message';
import { PausableWrite } from '../pausable-write';
import { CUSTOMERS_PATH, sendCustomerHeaders } from '../customer-http';
import { CustomerResponse } from '../customer.response';
import { RegisterCustomerRequest } from './register-customer.request';

@ApiTags('customers')
@Controller(CUSTOMERS_PATH)
export class RegisterCustomerController {
  constructor(private readonly commandBus: CommandBus) {}

  @PausableWrite()
  @RequiresScope(Scope.customersWrite)
  @Header('Cache-Control', 'no-store') // personal data: no shared or browser cache keeps a copy
  @Post()
  @ApiOperation({
    operationId: 'registerCustomer',
    summary: 'Register a customer',
    description:
      'Validates the customer, rejects an email or document that is already registered (409), stores the customer and announces `customerflow.customer.registered.v1` in the same transaction. Send an `Idempotency-Key` to retry safely: the same key with the same body replays the first response.',
  })
  @Idempotent()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Same key + same body replays the first response for 24 h',
  })
  @ApiCreatedResponse({
    type: CustomerResponse,
    description: 'Registered; Location and ETag headers name the new customer',
  })
  @ApiResponseHeaders(201, { ...LOCATION_HEADER, ...ETAG_HEADER, ...IDEMPOTENT_REPLAYED_HEADER })
  @ApiProblemResponses(
    {
      status: 400,
      description:
        'The body is not valid (`errors` points at each field), is not JSON, or the Idempotency-Key is malformed',
    },
    {
      status: 409,
      description:
        'The email or the document is already registered, or a request with this Idempotency-Key is still in progress (then with Retry-After)',
      headers: {
        'Retry-After': {
          description: 'Seconds to wait before retrying, when the same Idempotency-Key is in progress',
          schema: { type: 'string', pattern: '^[0-9]+$' },
        },
      },
    },
    { status: 410, description: 'The Idempotency-Key replays a registration whose customer has since been erased' },
    413,
    415,
    422,
    503,
  )
  async register(
    @Body() body: RegisterCustomerRequest,
    @Res({ passthrough: true }) response: FastifyReply,
  ): Promise<CustomerRepresentation> {
    const customer = await this.commandBus.execute(registerCommand(body));
    void response.header('Location', `/${CUSTOMERS_PATH}/${customer.id}`);
    sendCustomerHeaders(response, customer);
    return customer;
  }

  /** The same command from RabbitMQ: `data` is the POST body. */
  @PausableWrite()
  @MessagePattern(CustomerCommandType.register)
  registerByMessage(@Payload('data', validData) body: RegisterCustomerRequest): Promise<CustomerRepresentation> {
    return this.commandBus.execute(registerCommand(body));
  }
}

function registerCommand(body: RegisterCustomerRequest): RegisterCustomerCommand {
  return new RegisterCustomerCommand({
    ...body,
    addresses: body.addresses?.map((a) => ({ ...a, complement: a.complement ?? null })),
  });
}
