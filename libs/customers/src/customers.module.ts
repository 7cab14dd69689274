/**
 * The customers bounded context: its command and query handlers, the in-transaction reactions, and the one place
 * where the domain's ports are bound to their adapters.
 */
import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AppConfig } from '@customerflow/platform';
import { DeactivateCustomerHandler } from './application/commands/deactivate-customer/deactivate-customer.handler';
import { EraseCustomerHandler } from './application/commands/erase-customer/erase-customer.handler';
import { ReactivateCustomerHandler } from './application/commands/reactivate-customer/reactivate-customer.handler';
import { RegisterCustomerHandler } from './application/commands/register-customer/register-customer.handler';
import { UpdateCustomerHandler } from './application/commands/update-customer/update-customer.handler';
import { GetCustomerHandler } from './application/queries/get-customer/get-customer.handler';
import { ListCustomersHandler } from './application/queries/list-customers/list-customers.handler';
import { ForgetErasedCustomerResponsesHandler } from './application/reactions/forget-erased-customer-responses.handler';
import { CustomerTables, MappedCustomerTables, OwnCustomerTables } from './application/queries/customer-tables';
import { Clock, CustomerRepository, SystemClock, WholeSecondClock } from './domain';
import { SchemaMappedCustomerRepository } from './infrastructure/schema-mapped/schema-mapped-customer.repository';
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
    // With SCHEMA_MAP_FILE the same handlers run over the legacy tables: the read SQL and the repository follow the map.
    {
      provide: CustomerTables,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        config.schemaMap ? new MappedCustomerTables(config.schemaMap) : new OwnCustomerTables(),
    },
    TypeOrmCustomerRepository,
    SchemaMappedCustomerRepository,
    {
      provide: CustomerRepository,
      inject: [AppConfig, TypeOrmCustomerRepository, SchemaMappedCustomerRepository],
      useFactory: (config: AppConfig, own: TypeOrmCustomerRepository, mapped: SchemaMappedCustomerRepository) =>
        config.schemaMap ? mapped : own,
    },
    {
      provide: Clock,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => (config.schemaMap ? new WholeSecondClock() : new SystemClock()),
    },
  ],
})
export class CustomersModule {}
