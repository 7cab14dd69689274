/**
 * Domain-event handlers that change data must commit with the change that raised the event. @nestjs/cqrs's
 * EventBus runs handlers detached (their errors never reach the publisher), so it is kept for reactions that may
 * be lost; handlers marked @HandlesInTransaction run here, awaited, inside the current unit of work, before commit.
 */
import { Injectable, type OnModuleInit, SetMetadata, type Type } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';

const IN_TRANSACTION_EVENTS = 'customerflow:in-transaction-events';

export interface InTransactionEventHandler<E extends object> {
  handle(event: E): Promise<void>;
}

export const HandlesInTransaction = (...events: Type<object>[]): ClassDecorator =>
  SetMetadata(IN_TRANSACTION_EVENTS, events);

@Injectable()
export class InTransactionEventBus implements OnModuleInit {
  private readonly handlers = new Map<Type<object>, InTransactionEventHandler<object>[]>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      if (!wrapper.metatype || !wrapper.instance) continue;
      const events = this.reflector.get<Type<object>[] | undefined>(
        IN_TRANSACTION_EVENTS,
        wrapper.metatype as Type<object>,
      );
      for (const event of events ?? []) {
        this.handlers.set(event, [
          ...(this.handlers.get(event) ?? []),
          wrapper.instance as InTransactionEventHandler<object>,
        ]);
      }
    }
  }

  /** Runs every handler of every event, in order; a failure aborts the unit of work. */
  async dispatch(events: readonly object[]): Promise<void> {
    for (const event of events) {
      for (const handler of this.handlers.get(event.constructor as Type<object>) ?? []) await handler.handle(event);
    }
  }
}
