export * from './amqp-command.server';
export * from './command-message';
export * from './command-metrics';
export * from './inbox-retention';
export * from './inbox.module';
export * from './inbox.store';
export * from './retry-schedule';
export * from './rethrow-rpc-errors.filter';
