// Preloaded into an API process (`node -r`): when the commands consumer is about to ack its KILL_AT_COMMAND_ACK-th
// command (the unit of work has committed; the broker has not heard of the ack), the process kills itself with
// SIGKILL. The broker then redelivers a command whose effects are already committed: the inbox must absorb it.
// Injected from outside, so the service carries no test hook.
const { dirname, join } = require('node:path');

// amqplib's package exports hide lib/; load the very file amqplib itself loads (same module cache entry).
const { Channel } = require(join(dirname(require.resolve('amqplib')), 'lib', 'channel_model.js'));

const limit = Number(process.env.KILL_AT_COMMAND_ACK || 1);
let acks = 0;
const ack = Channel.prototype.ack;

Channel.prototype.ack = function ackOrDie(message, allUpTo) {
  if (message?.fields?.routingKey === process.env.AMQP_COMMANDS_QUEUE && ++acks === limit)
    process.kill(process.pid, 'SIGKILL');
  return ack.call(this, message, allUpTo);
};
