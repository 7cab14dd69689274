/**
 * The in-transaction event bus, for a process that runs commands (the API): it finds the @HandlesInTransaction
 * handlers among all providers, hence DiscoveryModule. Global so any context's repository can dispatch to it.
 */
import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { InTransactionEventBus } from './in-transaction-event-bus';

@Global()
@Module({ imports: [DiscoveryModule], providers: [InTransactionEventBus], exports: [InTransactionEventBus] })
export class InTransactionEventsModule {}
