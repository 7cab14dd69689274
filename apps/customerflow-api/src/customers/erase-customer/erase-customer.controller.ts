import { Controller, Delete, Headers, HttpCode, Param } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { ApiHeader, ApiNoContentResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomerCommandType } from '@customerflow/contracts';
import { EraseCustomerCommand } from '@customerflow/customers';
import type { CommandMessage } from '@customerflow/inbox';
import { RequiresScope, Scope } from '../../access.decorators';
import { ApiProblemResponses } from '../../api-responses.decorators';
import { ExpectedVersionMessage, subjectOf, validData, versionTag } from '../customer-message';
import { PausableWrite } from '../pausable-write';
import { CUSTOMERS_PATH, expectedTag } from '../customer-http';

@ApiTags('customers')
@Controller(CUSTOMERS_PATH)
export class EraseCustomerController {
  constructor(private readonly commandBus: CommandBus) {}

  @PausableWrite()
  @RequiresScope(Scope.customersErase)
  @Delete(':id')
  @ApiOperation({
    operationId: 'eraseCustomer',
    summary: "Erase a customer's personal data",
    description:
      "Removes the customer's personal data for good and keeps only its id and status `erased`; from then on the customer answers 410. Announces `customerflow.customer.erased.v1`, which carries no personal data.",
  })
  @HttpCode(204)
  @ApiHeader({ name: 'If-Match', required: false, description: 'Optional ETag; stale → 412' })
  @ApiNoContentResponse({ description: 'Personal data erased; the customer now answers 410' })
  @ApiProblemResponses(
    { status: 400, description: 'If-Match is malformed' },
    404,
    { status: 410, description: 'The customer was already erased' },
    412,
    503,
  )
  async erase(@Param('id') id: string, @Headers('if-match') ifMatch: string | undefined): Promise<void> {
    await this.commandBus.execute(new EraseCustomerCommand(id, expectedTag(ifMatch, false)));
  }

  /** The same command from RabbitMQ: `subject` is the customer, `data` is `{ version? }`. */
  @PausableWrite()
  @MessagePattern(CustomerCommandType.erase)
  eraseByMessage(
    @Payload() command: CommandMessage,
    @Payload('data', validData) message: ExpectedVersionMessage,
  ): Promise<void> {
    return this.commandBus.execute(new EraseCustomerCommand(subjectOf(command), versionTag(message.version)));
  }
}
