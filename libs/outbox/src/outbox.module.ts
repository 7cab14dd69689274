/**
 * The outbox: the writer that the write side's unit of work appends to, and (added by the relay work) the relay
 * that drains `outbox_messages` to the configured transport.
 */
import { Global, Module } from '@nestjs/common';
import { OutboxSignal } from './outbox-signal';
import { OutboxWriter } from './outbox-writer';

@Global()
@Module({
  providers: [OutboxSignal, OutboxWriter],
  exports: [OutboxSignal, OutboxWriter],
})
export class OutboxModule {}
