/**
 * The commands consumer: a custom @nestjs/microservices transport strategy on amqplib. It consumes the durable
 * commands queue (quorum where the broker supports what the retries need), finds the `@MessagePattern(<type>)`
 * handler of each CloudEvent, and runs it inside ONE unit of work together with the inbox row, so the command's
 * effects, its outbox rows and the inbox row commit together. Only then is the message acked.
 *
 * - Poison (not a CloudEvent, unknown type, invalid data, a broken domain rule: any 4xx problem) goes to the dead
 *   letter queue at once, with the problem+json as its body, and is acked: it never blocks the queue behind it.
 * - A transient failure (database unreachable, deadlock, timeout, anything 5xx) is re-published to the delay queue
 *   of its attempt (`<queue>.retry.<ms>ms`, queue TTL), which dead-letters it back to the commands queue when the
 *   time is up; after AMQP_COMMANDS_MAX_ATTEMPTS it is dead-lettered instead.
 * - Publishes to the delay and dead letter queues wait for the broker's confirm before the ack, so a crash in
 *   between re-delivers the message (and the inbox absorbs the copy) rather than losing it.
 * - With `replyTo` and `correlationId` the result (the customer, or the problem) is published there after the
 *   commit.
 *
 * Nest's built-in RMQ transport was not enough for this: it replies in its own `{ response, isDisposed }` envelope,
 * publishes replies without waiting for a confirm, cannot cancel its consumer (to stop taking messages first on
 * shutdown) and reads no binary-mode CloudEvents headers.
 */
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { type CustomTransportStrategy, RmqContext, Server } from '@nestjs/microservices';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { type ChannelModel, type ConfirmChannel, connect, type ConsumeMessage, type Options } from 'amqplib';
import { isObservable, lastValueFrom } from 'rxjs';
import {
  AppConfig,
  type Problem,
  problemBody,
  ProblemDetailsFilter,
  type ProblemMapper,
  UnitOfWork,
} from '@customerflow/platform';
import { CommandMetrics } from './command-metrics';
import { type CommandMessage, InvalidCommandMessage, parseCommandMessage } from './command-message';
import { type InboxEntry, InboxStore } from './inbox.store';
import { deadLetterQueueName, delayQueueName, retryDelayMs, retryDelays } from './retry-schedule';

/** Problem mappers of the bounded contexts whose commands arrive here (the same ones the HTTP filter uses). */
export const COMMAND_PROBLEM_MAPPERS = Symbol('COMMAND_PROBLEM_MAPPERS');

/** Header counting attempts across delay-queue round trips (the first delivery has none: attempt 1). */
export const ATTEMPT_HEADER = 'x-customerflow-attempt';
/** Header on a reply: the HTTP status the same request would have had. */
export const REPLY_STATUS_HEADER = 'status';
export const PROBLEM_JSON = 'application/problem+json';

/** A quorum queue needs 3.8; message TTL and at-least-once dead-lettering from one (the delay queues) need 3.10. */
const QUORUM_FROM = [3, 10];
/** Past this, a message that kills the consumer itself each time is dead-lettered by the broker (quorum only). */
const DELIVERY_LIMIT = 20;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 15_000;
const CONFIRM_TIMEOUT_MS = 10_000;
const DRAIN_TIMEOUT_MS = 15_000;

type Outcome =
  | { readonly kind: 'applied'; readonly result: unknown }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'failed'; readonly error: unknown };

@Injectable()
export class AmqpCommandServer extends Server implements CustomTransportStrategy, OnModuleDestroy {
  private readonly log = new Logger('CommandsConsumer');
  private readonly problems: ProblemDetailsFilter;
  private readonly settings: AppConfig['commands'];
  private connection: ChannelModel | null = null;
  private channel: ConfirmChannel | null = null;
  private consumerTag: string | null = null;
  private stopped = false;
  private reconnectDelayMs = RECONNECT_MIN_MS;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private readonly inFlight = new Set<Promise<void>>();
  private quorum = false;

  constructor(
    private readonly config: AppConfig,
    private readonly unitOfWork: UnitOfWork,
    private readonly inbox: InboxStore,
    private readonly metrics: CommandMetrics,
    @Inject(COMMAND_PROBLEM_MAPPERS) mappers: readonly ProblemMapper[],
  ) {
    super();
    this.settings = config.commands;
    this.problems = new ProblemDetailsFilter(mappers);
  }

  get queue(): string {
    return this.settings.queue;
  }

  /** Whether the commands queue was declared as a quorum queue (the broker supports it), once connected. */
  get usesQuorumQueues(): boolean {
    return this.quorum;
  }

  /** Nest calls this from startAllMicroservices(); start-up does not wait for the broker (HTTP works without it). */
  listen(callback: (...optionalParams: unknown[]) => unknown): void {
    this.stopped = false;
    void this.connectAndConsume().finally(() => callback());
  }

  /** On shutdown, before anything else closes: take no more messages, let the ones in flight finish. */
  async onModuleDestroy(): Promise<void> {
    await this.stopConsuming();
  }

  /**
   * The first step of a graceful stop (the API's SIGTERM handler calls it as the HTTP drain begins): the consumer is
   * cancelled at once, so the broker hands the queue's remaining commands to another replica during the seconds
   * the HTTP drain takes, instead of this process taking more it may not finish.
   */
  async stopTakingCommands(): Promise<void> {
    await this.stopConsuming();
  }

  async close(): Promise<void> {
    await this.stopConsuming();
    const { connection, channel } = this;
    this.connection = null;
    this.channel = null;
    // The channel first: its close-ok comes after the broker has read the acks before it, whereas a connection
    // close may overtake acks still queued on the channel, and those commands would be redelivered.
    await channel?.close().catch(() => undefined);
    await connection?.close().catch(() => undefined);
  }

  on(): void {
    throw new Error('AmqpCommandServer has no events to listen to');
  }

  unwrap<T>(): T {
    return this.connection as T;
  }

  private async stopConsuming(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const channel = this.channel;
    const tag = this.consumerTag;
    this.consumerTag = null;
    if (channel && tag) await channel.cancel(tag).catch(() => undefined);
    if (this.inFlight.size > 0) {
      this.log.log(`stopped consuming; waiting for ${this.inFlight.size} commands in flight`);
      await Promise.race([Promise.allSettled([...this.inFlight]), sleep(DRAIN_TIMEOUT_MS)]);
    }
  }

  private async connectAndConsume(): Promise<void> {
    if (this.stopped) return;
    let connection: ChannelModel | undefined;
    try {
      connection = await connect(this.config.amqpUrl!, {
        noDelay: true,
        timeout: 5000,
        clientProperties: { connection_name: `customerflow-commands@${hostname()}` },
      });
      const opened = connection;
      opened.on('error', (error: Error) => this.log.warn(`RabbitMQ connection error: ${error.message}`));
      opened.on('close', () => this.lost(opened));
      const channel = await opened.createConfirmChannel();
      channel.on('error', (error: Error) => this.log.warn(`RabbitMQ channel error: ${error.message}`));
      channel.on('close', () => void opened.close().catch(() => undefined));
      this.quorum = supportsQuorum(String(opened.connection.serverProperties.version ?? '0'));
      await this.declareTopology(channel);
      await channel.prefetch(this.settings.prefetch);
      if (this.stopped) throw new Error('stopped while connecting');
      this.connection = opened;
      this.channel = channel;
      const { consumerTag } = await channel.consume(this.queue, (message) => this.track(channel, message), {
        noAck: false,
      });
      this.consumerTag = consumerTag;
      this.reconnectDelayMs = RECONNECT_MIN_MS;
      this.log.log(
        `consuming ${this.quorum ? 'quorum' : 'classic'} queue ${this.queue} (prefetch ${this.settings.prefetch})`,
      );
    } catch (error) {
      await connection?.close().catch(() => undefined);
      if (this.stopped) return;
      this.log.warn(`cannot consume ${this.queue} yet: ${(error as Error).message}`);
      this.scheduleReconnect();
    }
  }

  private lost(connection: ChannelModel): void {
    if (this.connection !== connection) return;
    this.connection = null;
    this.channel = null;
    this.consumerTag = null;
    if (this.stopped) return;
    this.log.warn('RabbitMQ connection lost; unacked commands will be redelivered; reconnecting');
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = this.reconnectDelayMs;
    this.reconnectDelayMs = Math.min(RECONNECT_MAX_MS, delay * 2);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      void this.connectAndConsume();
    }, delay);
  }

  /**
   * The commands queue, the dead letter queue, and one delay queue per retry delay that dead-letters back to the
   * commands queue through the default exchange. Declared on every connect, so a fresh broker needs no set-up.
   */
  private async declareTopology(channel: ConfirmChannel): Promise<void> {
    const dlq = deadLetterQueueName(this.queue);
    const quorum = this.quorum ? { 'x-queue-type': 'quorum' } : {};
    await channel.assertQueue(dlq, { durable: true, arguments: quorum });
    await channel.assertQueue(this.queue, {
      durable: true,
      arguments: this.quorum
        ? {
            ...quorum,
            'x-delivery-limit': DELIVERY_LIMIT,
            'x-dead-letter-exchange': '',
            'x-dead-letter-routing-key': dlq,
          }
        : {},
    });
    for (const delayMs of retryDelays(this.settings)) {
      await channel.assertQueue(delayQueueName(this.queue, delayMs), {
        durable: true,
        arguments: {
          ...quorum,
          ...(this.quorum ? { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' } : {}),
          'x-message-ttl': delayMs,
          'x-dead-letter-exchange': '',
          'x-dead-letter-routing-key': this.queue,
        },
      });
    }
  }

  private track(channel: ConfirmChannel, message: ConsumeMessage | null): void {
    if (!message) return; // the broker cancelled the consumer (queue deleted): the connection's close reconnects
    const work = this.handle(channel, message).catch((error: unknown) => {
      // Only a broker failure lands here (the channel closed under us): unacked, so it will be redelivered.
      this.log.warn(`command ${String(message.properties.messageId ?? '')} left unacked: ${(error as Error).message}`);
    });
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async handle(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const attempt = attemptOf(message);
    let command: CommandMessage;
    try {
      command = parseCommandMessage(message);
    } catch (error) {
      if (!(error instanceof InvalidCommandMessage)) throw error;
      const problem: Problem = {
        status: 400,
        slug: 'invalid-cloudevent',
        title: 'Not a valid CloudEvents command',
        detail: error.message,
        ...(error.errors.length > 0 ? { errors: error.errors } : {}),
      };
      return this.reject(channel, message, null, problem, attempt);
    }
    const handler = this.getHandlerByPattern(command.type);
    if (!handler) {
      const problem: Problem = {
        status: 400,
        slug: 'unknown-command-type',
        title: 'Unknown command type',
        detail: `No command of type "${command.type}" is handled here.`,
        errors: [{ pointer: '/type', detail: 'is not a known command type' }],
      };
      return this.reject(channel, message, command, problem, attempt);
    }
    const outcome = await context.with(traceContextOf(command, message), () =>
      this.apply(command, async () => {
        const output: unknown = await handler(command, new RmqContext([message, channel, command.type]));
        return isObservable(output) ? lastValueFrom(output, { defaultValue: undefined }) : output;
      }),
    );
    switch (outcome.kind) {
      case 'applied':
        this.metrics.count('consumed', command.type);
        await this.reply(channel, message, successStatus(command.type, outcome.result), outcome.result);
        channel.ack(message);
        return;
      case 'duplicate': {
        this.metrics.count('duplicate', command.type);
        const asked = Boolean(message.properties.replyTo && message.properties.correlationId);
        const first = asked ? await this.inbox.find(this.queue, command.source, command.id).catch(() => null) : null;
        await this.reply(channel, message, 409, duplicateProblem(command, first?.resourceId ?? null));
        channel.ack(message);
        return;
      }
      case 'failed': {
        const problem = this.problems.toProblem(outcome.error);
        if (problem.status < 500) return this.reject(channel, message, command, problem, attempt);
        if (problem.status === 500)
          this.log.error(`command ${command.type} ${command.id} failed: ${(outcome.error as Error)?.stack}`);
        return this.retryLater(channel, message, command, problem, attempt);
      }
    }
  }

  /** The inbox row and the command in one unit of work; the handler's own unit of work joins this one. */
  private async apply(command: CommandMessage, execute: () => Promise<unknown>): Promise<Outcome> {
    const entry: InboxEntry = {
      consumer: this.queue,
      source: command.source,
      messageId: command.id,
      type: command.type,
      resourceId: command.subject,
    };
    try {
      return await this.unitOfWork.run<Outcome>(async () => {
        if (!(await this.inbox.accept(entry))) {
          return { kind: 'duplicate' };
        }
        const result = await execute();
        const createdId = (result as { id?: unknown } | undefined)?.id;
        if (entry.resourceId === null && typeof createdId === 'string') await this.inbox.setResource(entry, createdId);
        return { kind: 'applied', result };
      });
    } catch (error) {
      return { kind: 'failed', error };
    }
  }

  /** Transient failure: to the delay queue of this attempt, or to the dead letter queue after the last one. */
  private async retryLater(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    command: CommandMessage,
    problem: Problem,
    attempt: number,
  ): Promise<void> {
    const delayMs = retryDelayMs(attempt, this.settings);
    if (delayMs === null) {
      const gaveUp: Problem = {
        ...problem,
        detail: `${problem.detail} Gave up after ${attempt} attempts.`,
      };
      return this.reject(channel, message, command, gaveUp, attempt);
    }
    await this.publish(channel, delayQueueName(this.queue, delayMs), message.content, {
      ...message.properties,
      headers: {
        ...message.properties.headers,
        [ATTEMPT_HEADER]: attempt + 1,
        'x-customerflow-last-problem': `${problem.status} ${problem.title}`,
      },
    });
    this.metrics.count('retried', command.type);
    this.log.warn(
      `command ${command.type} ${command.id} failed (${problem.title}); attempt ${attempt + 1} in ${delayMs} ms`,
    );
    channel.ack(message);
  }

  /** Poison, or out of attempts: to the dead letter queue with the problem, then the reply, then the ack. */
  private async reject(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    command: CommandMessage | null,
    problem: Problem,
    attempt: number,
  ): Promise<void> {
    const properties = propertiesOf(message);
    const type = command?.type ?? 'unknown';
    const messageId = command?.id ?? properties.messageId;
    const body = {
      ...problemBody(problem, `/queues/${this.queue}/messages/${messageId ?? 'unknown'}`),
      attempts: attempt,
      command: {
        contentType: properties.contentType ?? null,
        headers: textHeaders(properties.headers),
        body: message.content.toString('utf8'),
      },
    };
    await this.publish(channel, deadLetterQueueName(this.queue), Buffer.from(JSON.stringify(body)), {
      persistent: true,
      contentType: PROBLEM_JSON,
      messageId: properties.messageId,
      correlationId: properties.correlationId,
      replyTo: properties.replyTo,
      timestamp: Math.floor(Date.now() / 1000),
      headers: {
        'x-problem-type': `/problems/${problem.slug}`,
        'x-problem-status': problem.status,
        ...(problem.code ? { 'x-problem-code': problem.code } : {}),
        'x-command-type': type,
        'x-attempts': attempt,
        'x-original-queue': this.queue,
      },
    });
    // Only handled types become label values: a sender must not be able to grow the metric without bound.
    this.metrics.count('dead_lettered', command && this.getHandlerByPattern(type) ? type : 'unknown');
    this.log.warn(`command ${type} ${messageId ?? ''} dead-lettered: ${problem.title} (${problem.detail})`);
    await this.reply(channel, message, problem.status, problemBody(problem), PROBLEM_JSON);
    channel.ack(message);
  }

  /** After the commit (or the dead-lettering); only when the sender asked with replyTo and correlationId. */
  private async reply(
    channel: ConfirmChannel,
    message: ConsumeMessage,
    status: number,
    body: unknown,
    contentType = status >= 400 ? PROBLEM_JSON : 'application/json',
  ): Promise<void> {
    const { replyTo, correlationId } = propertiesOf(message);
    if (!replyTo || !correlationId) return;
    const content = body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(body));
    await this.publish(channel, replyTo, content, {
      correlationId,
      contentType: body === undefined ? undefined : contentType,
      headers: { [REPLY_STATUS_HEADER]: status },
    });
  }

  /** To a queue through the default exchange, resolved on the broker's confirm. */
  private publish(channel: ConfirmChannel, queue: string, content: Buffer, options: Options.Publish): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no confirm within ${CONFIRM_TIMEOUT_MS} ms`)),
        CONFIRM_TIMEOUT_MS,
      );
      try {
        channel.sendToQueue(queue, content, options, (error) => {
          clearTimeout(timer);
          if (error) reject(error instanceof Error ? error : new Error(String(error)));
          else resolve();
        });
      } catch (error) {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      }
    });
  }
}

/** amqplib types the message properties as `any`; these are the ones read here, as they arrive. */
interface DeliveredProperties {
  readonly contentType?: string;
  readonly messageId?: string;
  readonly correlationId?: string;
  readonly replyTo?: string;
  readonly headers?: Record<string, unknown>;
}

function propertiesOf(message: ConsumeMessage): DeliveredProperties {
  const properties: DeliveredProperties = message.properties;
  return properties;
}

function attemptOf(message: ConsumeMessage): number {
  const value = Number(message.properties.headers?.[ATTEMPT_HEADER]);
  return Number.isInteger(value) && value >= 1 ? value : 1;
}

/** The sender's trace: the event's traceparent extension, else a plain `traceparent` application property. */
function traceContextOf(command: CommandMessage, message: ConsumeMessage) {
  const headers = message.properties.headers ?? {};
  const carrier: Record<string, string> = {};
  const traceparent = command.traceparent ?? stringOf(headers.traceparent);
  const tracestate = command.tracestate ?? stringOf(headers.tracestate);
  if (traceparent) carrier.traceparent = traceparent;
  if (tracestate) carrier.tracestate = tracestate;
  return traceparent ? propagation.extract(ROOT_CONTEXT, carrier) : context.active();
}

function stringOf(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return null;
}

/** The status the same request would have had over HTTP: 201 for a registration, 204 for an erasure, else 200. */
function successStatus(type: string, result: unknown): number {
  if (result === undefined) return 204;
  return type.endsWith('.register.v1') ? 201 : 200;
}

function duplicateProblem(command: CommandMessage, resourceId: string | null): Record<string, unknown> {
  return {
    ...problemBody({
      status: 409,
      slug: 'duplicate-command',
      title: 'Command already processed',
      detail: `The command ${command.id} from ${command.source} was already processed; it had no second effect.`,
    }),
    ...(resourceId ? { customerId: resourceId } : {}),
  };
}

function textHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([name, value]) => [
      name,
      Buffer.isBuffer(value) ? value.toString('utf8') : value,
    ]),
  );
}

function supportsQuorum(version: string): boolean {
  const [major, minor] = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return major > QUORUM_FROM[0] || (major === QUORUM_FROM[0] && minor >= QUORUM_FROM[1]);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
