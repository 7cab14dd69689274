/**
 * commands: register commands through RabbitMQ, next to register over HTTP in the same run. A backlog of
 * BENCH_COMMANDS register commands (CloudEvents, structured mode, unique bodies as in register) is published with
 * confirms to the bench's own commands queue while no consumer runs; then the service starts and drains it, each
 * command in its unit of work with its inbox row, the relay publishing the events in process as in production.
 * The figure is commands applied per second, from the first customer row to the last.
 */
import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { type BenchContext } from '../support/context';
import { registrationBody } from '../support/customers-data';
import { emptyTables } from '../support/database';
import { serviceApiEntry, serviceEnv, sleep, startNode, stop, waitForHttp } from '../support/processes';

const tag = `c${Date.now().toString(36)}`;

export interface CommandsFigures {
  commandsPerSec: number | null;
  commands: number;
  applied: number;
  prefetch: number;
  seconds: number | null;
  queue: string;
}

export async function commandsScenario(ctx: BenchContext): Promise<CommandsFigures> {
  const { config, db, progress } = ctx;
  const queue = config.commandsQueue;
  const env = { ...serviceEnv(config, config.port, 'inprocess'), AMQP_COMMANDS: 'on' };
  await emptyTables(db);
  await ctx.broker.purge();

  // A first start declares the queues (quorum where the broker supports it) exactly as production does.
  progress.begin('commands · declaring the queue');
  const declaring = startNode(config, 'commands-declare', serviceApiEntry(config), env);
  try {
    await waitForHttp(declaring, config.port);
    await waitForQueue(config.amqpUrl, queue);
  } finally {
    await stop(declaring);
  }

  progress.begin(`commands · publishing ${config.commands} register commands with confirms`);
  await publishBacklog(config.amqpUrl, queue, config.commands, (done) => progress.update(`${done}`));

  progress.begin(`commands · draining ${config.commands} commands`);
  const draining = startNode(config, 'commands-drain', serviceApiEntry(config), env);
  let first: number | null = null;
  let last: number | null = null;
  let applied = 0;
  try {
    const deadline = Date.now() + config.drainMaxS * 1000;
    while (applied < config.commands && Date.now() < deadline) {
      const [rows] = await db.query('SELECT COUNT(*) AS n FROM customers');
      const count = Number((rows as Array<{ n: number }>)[0].n);
      const now = Date.now();
      if (count > 0 && first === null) first = now;
      if (count > applied) last = now;
      applied = count;
      progress.update(`${applied}`);
      await sleep(50);
    }
  } finally {
    await stop(draining);
  }
  const seconds = first !== null && last !== null && last > first ? (last - first) / 1000 : null;
  return {
    commandsPerSec: seconds && applied === config.commands ? Math.round(applied / seconds) : null,
    commands: config.commands,
    applied,
    prefetch: 16,
    seconds,
    queue,
  };
}

async function waitForQueue(url: string, queue: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const connection = await connect(url);
    connection.on('error', () => undefined);
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => undefined);
      await channel.checkQueue(queue);
      await channel.purgeQueue(queue);
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    } finally {
      await connection.close().catch(() => undefined);
    }
    await sleep(200);
  }
}

async function publishBacklog(
  url: string,
  queue: string,
  count: number,
  onProgress: (done: number) => void,
): Promise<void> {
  const connection = await connect(url, { noDelay: true });
  try {
    const channel = await connection.createConfirmChannel();
    for (let i = 0; i < count; i++) {
      const event = {
        specversion: '1.0',
        id: randomUUID(),
        source: '/bench',
        type: 'customerflow.customer.register.v1',
        data: registrationBody(i + 1, tag),
      };
      const accepted = channel.sendToQueue(queue, Buffer.from(JSON.stringify(event)), {
        persistent: true,
        contentType: 'application/cloudevents+json',
      });
      if (!accepted || i % 500 === 499) {
        await channel.waitForConfirms();
        onProgress(i + 1);
      }
    }
    await channel.waitForConfirms();
  } finally {
    await connection.close();
  }
}
