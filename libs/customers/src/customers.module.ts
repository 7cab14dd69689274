/**
 * The customers bounded context: its command and query handlers, the in-transaction reactions, and the one place
 * where the domain's ports are bound to their adapters.
 */
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { DeactivateCustomerHandler } from './application/commands/deactivate-customer/deactivate-customer.handler';
import { EraseCustomerHandler } from './application/commands/erase-customer/erase-customer.handler';
import { ReactivateCustomerHandler } from './application/commands/reactivate-customer/reactivate-customer.handler';
import { RegisterCustomerHandler } from './application/commands/register-customer/register-customer.handler';
import { UpdateCustomerHandler } from './application/commands/update-customer/update-customer.handler';
import { GetCustomerHandler } from './application/queries/get-customer/get-customer.handler';
import { ListCustomersHandler } from './application/queries/list-customers/list-customers.handler';
import { ForgetErasedCustomerResponsesHandler } from './application/reactions/forget-erased-customer-responses.handler';
import { Clock, CustomerRepository, SystemClock } from './domain';
import { ScrubErasedCustomerEventsHandler } from './infrastructure/scrub-erased-customer-events.handler';
import { TypeOrmCustomerRepository } from './infrastructure/typeorm-customer.repository';

@Module({
  imports: [CqrsModule],
  providers: [
    RegisterCustomerHandler,
    UpdateCustomerHandler,
    DeactivateCustomerHandler,
    ReactivateCustomerHandler,
    EraseCustomerHandler,
    GetCustomerHandler,
    ListCustomersHandler,
    ForgetErasedCustomerResponsesHandler,
    ScrubErasedCustomerEventsHandler,
    { provide: CustomerRepository, useClass: TypeOrmCustomerRepository },
    { provide: Clock, useClass: SystemClock },
  ],
  exports: [Clock],
})
export class CustomersModule {}
