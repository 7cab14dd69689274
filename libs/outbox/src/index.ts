export * from './outbox-signal';
export * from './outbox-writer';
export * from './outbox.module';
