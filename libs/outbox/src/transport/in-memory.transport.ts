/**
 * The transport of the embedded default (no AMQP_URL): the same relay drains the same `outbox_messages` rows, but
 * delivers each event to subscribers inside this process instead of a broker. Subscribers register a topic pattern
 * with the same meaning as a RabbitMQ binding on `customerflow.events`, and receive what a queue consumer would:
 * the routing key, the AMQP-style properties and the body, verbatim.
 *
 * Every delivery is logged at debug level (`LOG_LEVEL=debug`), which is how a user watches events flow without a
 * broker.
 */
import { Injectable, Logger } from '@nestjs/common';
import { routingKeyOf } from '@customerflow/contracts';
import type { OutboxMessage } from '../outbox-message';
import { MessageRejectedError, OutboxTransport, TransportUnavailableError } from './outbox.transport';
import { matchesTopic } from './topic-pattern';

export const CLOUDEVENTS_CONTENT_TYPE = 'application/cloudevents+json';

/** What an in-process subscriber receives: the message as a RabbitMQ consumer would see it. */
export interface DeliveredEvent {
  readonly routingKey: string;
  /** The event id (AMQP messageId); subscribers dedupe on it, delivery being at least once. */
  readonly messageId: string;
  readonly type: string;
  readonly contentType: typeof CLOUDEVENTS_CONTENT_TYPE;
  /** Seconds since the epoch, like the AMQP timestamp property. */
  readonly timestamp: number;
  /** traceparent / tracestate when the event carries them. */
  readonly headers: Readonly<Record<string, string>>;
  /** The CloudEvents envelope exactly as it would travel on the wire. */
  readonly body: string;
  /** `body` parsed, or null if it is not JSON. */
  readonly event: unknown;
}

export type EventHandler = (event: DeliveredEvent) => void | Promise<void>;

interface Subscription {
  readonly pattern: string;
  readonly handler: EventHandler;
}

@Injectable()
export class InMemoryTransport extends OutboxTransport {
  readonly name = 'in-memory';
  private readonly logger = new Logger('OutboxEvents');
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  /** Receives every event whose routing key matches `pattern` (`customer.#`, `*.erased`...). Returns an unsubscribe. */
  subscribe(pattern: string, handler: EventHandler): () => void {
    const subscription = { pattern, handler };
    this.subscriptions.add(subscription);
    return () => this.subscriptions.delete(subscription);
  }

  async publish(message: OutboxMessage): Promise<void> {
    if (this.closed) throw new TransportUnavailableError('the in-memory transport is closed');
    let routingKey: string;
    try {
      routingKey = routingKeyOf(message.type);
    } catch (error) {
      throw new MessageRejectedError((error as Error).message, { cause: error });
    }
    const delivered: DeliveredEvent = {
      routingKey,
      messageId: message.id,
      type: message.type,
      contentType: CLOUDEVENTS_CONTENT_TYPE,
      timestamp: Math.floor(message.occurredAt.getTime() / 1000),
      headers: message.headers,
      body: message.payload,
      event: parseOrNull(message.payload),
    };
    const receivers = [...this.subscriptions].filter((s) => matchesTopic(s.pattern, routingKey));
    this.logger.debug(
      `${message.type} ${message.id} (${message.aggregateType} ${message.aggregateId}) → ${routingKey}: ${receivers.length} subscriber(s)`,
    );
    for (const { pattern, handler } of receivers) {
      try {
        await handler(delivered);
      } catch (error) {
        // Like a broker, the transport's job ends at delivery: one subscriber's failure must not make the relay
        // re-send the event to every other subscriber, nor block the events behind it.
        this.logger.error(
          `subscriber of ${pattern} failed on ${message.type} ${message.id}: ${(error as Error)?.stack ?? String(error)}`,
        );
      }
    }
  }

  check(): Promise<void> {
    if (this.closed) return Promise.reject(new TransportUnavailableError('the in-memory transport is closed'));
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }
}

function parseOrNull(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return null;
  }
}
