import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { asyncApiDocument } from '@customerflow/contracts';

/** The message contract for subscribers (AsyncAPI 3.0), served beside the REST contract at /docs-json. */
@ApiTags('contracts')
@Controller()
export class AsyncApiController {
  @Get('asyncapi.json')
  @ApiOkResponse({
    description: 'The AsyncAPI 3.0 document of the events published to RabbitMQ',
    schema: { type: 'object' },
  })
  asyncApi(): object {
    return asyncApiDocument;
  }
}
