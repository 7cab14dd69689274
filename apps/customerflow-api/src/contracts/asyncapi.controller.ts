import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Open } from '../access.decorators';
import { asyncApiDocument } from '@customerflow/contracts';

/** The message contract for subscribers (AsyncAPI 3.1), served beside the REST contract at /docs-json. */
@Open()
@ApiTags('contracts')
@Controller()
export class AsyncApiController {
  @Get('asyncapi.json')
  @ApiOperation({
    operationId: 'getAsyncApiDocument',
    summary: 'The message contract',
    description:
      'The AsyncAPI 3.1 document of the events published to RabbitMQ: exchange, routing keys, CloudEvents envelope and the JSON Schema of each event type, bundled into one document with no external references.',
  })
  @ApiOkResponse({
    description: 'The AsyncAPI 3.1 document of the events published to RabbitMQ',
    schema: { type: 'object' },
  })
  asyncApi(): object {
    return asyncApiDocument;
  }
}
