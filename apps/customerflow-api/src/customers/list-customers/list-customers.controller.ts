import { Controller, Get, Header, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type CustomerCursor,
  type CustomerPageView,
  type CustomerSort,
  decodeCustomerCursor,
  DEFAULT_CUSTOMER_PAGE_SIZE,
  DEFAULT_CUSTOMER_SORT,
  InvalidCustomerCursor,
  ListCustomersQuery,
} from '@customerflow/customers';
import { ProblemException } from '@customerflow/platform';
import { RequiresScope, Scope } from '../../access.decorators';
import { ApiProblemResponses } from '../../api-responses.decorators';
import { CUSTOMERS_PATH } from '../customer-http';
import { ListCustomersQueryParams } from './list-customers.query-params';
import { CustomerPageResponse } from './list-customers.response';

@ApiTags('customers')
@Controller(CUSTOMERS_PATH)
export class ListCustomersController {
  constructor(private readonly queryBus: QueryBus) {}

  @RequiresScope(Scope.customersRead)
  @Header('Cache-Control', 'no-store') // personal data: no shared or browser cache keeps a copy
  @Get()
  @ApiOperation({
    operationId: 'listCustomers',
    summary: 'List and search customers',
    description:
      'Filters combine with AND. Pages are keyset-based: follow `nextCursor` until it is null; customers registered or ' +
      'erased meanwhile never make a page skip or repeat a customer. Erased customers are never listed.',
  })
  @ApiOkResponse({ type: CustomerPageResponse })
  @ApiProblemResponses(
    {
      status: 400,
      description:
        'A parameter is not valid or not known (`errors` names it, as in /limit), or the cursor is malformed or belongs to another sort',
    },
    503,
  )
  list(@Query() params: ListCustomersQueryParams): Promise<CustomerPageView> {
    const sort = params.sort ?? DEFAULT_CUSTOMER_SORT;
    const createdFrom = params.createdFrom === undefined ? null : new Date(params.createdFrom);
    const createdTo = params.createdTo === undefined ? null : new Date(params.createdTo);
    if (createdFrom !== null && createdTo !== null && createdTo <= createdFrom) {
      throw ProblemException.badRequest(
        'createdTo must be later than createdFrom: the window includes createdFrom and excludes createdTo.',
        [{ pointer: '/createdTo', detail: 'createdTo must be later than createdFrom' }],
        'validation-failed',
      );
    }
    return this.queryBus.execute(
      new ListCustomersQuery({
        status: params.status ?? null,
        email: params.email ?? null,
        document: params.document ?? null,
        namePrefix: params.q ?? null,
        createdFrom,
        createdTo,
        sort,
        limit: params.limit === undefined ? DEFAULT_CUSTOMER_PAGE_SIZE : Number(params.limit),
        after: params.cursor === undefined ? null : cursorFrom(params.cursor, sort),
      }),
    );
  }
}

function cursorFrom(cursor: string, sort: CustomerSort): CustomerCursor {
  try {
    return decodeCustomerCursor(cursor, sort);
  } catch (error) {
    if (!(error instanceof InvalidCustomerCursor)) throw error;
    const slug = error.reason === 'sort-mismatch' ? 'cursor-sort-mismatch' : 'invalid-cursor';
    throw ProblemException.badRequest(error.message, [{ pointer: '/cursor', detail: error.message }], slug);
  }
}
