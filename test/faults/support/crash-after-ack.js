// Preloaded into a relay process (`node -r`): after the broker has acked CRASH_AFTER_ACKS messages, the process
// kills itself with SIGKILL before the relay can mark those rows published, the window where a crash must give
// duplicates but never a loss. Injected from outside, so the service carries no test hook.
const { dirname, join } = require('node:path');

// amqplib's package exports hide lib/; load the very file amqplib itself loads (same module cache entry).
const { ConfirmChannel } = require(join(dirname(require.resolve('amqplib')), 'lib', 'channel_model.js'));

const limit = Number(process.env.CRASH_AFTER_ACKS || 50);
let acks = 0;
const publish = ConfirmChannel.prototype.publish;

ConfirmChannel.prototype.publish = function publishThenMaybeCrash(exchange, routingKey, content, options, callback) {
  return publish.call(this, exchange, routingKey, content, options, (error, ok) => {
    if (callback) callback(error, ok);
    if (!error && ++acks === limit) setImmediate(() => process.kill(process.pid, 'SIGKILL'));
  });
};
