/**
 * The port the relay publishes through. A transport resolves `publish` only once the message is safely handed over
 * (for RabbitMQ: the broker's publisher confirm), because the relay marks a row published the moment it resolves.
 *
 * The two error types matter to the relay: a `TransportUnavailableError` says the transport itself is down and
 * nothing about the message (the relay pauses and the row keeps its attempts), any other error is this message's
 * own failure (the row backs off and is eventually dead-lettered).
 */
import type { OutboxMessage } from '../outbox-message';

export abstract class OutboxTransport {
  /** A short name for logs and health output: `rabbitmq`, `in-memory`. */
  abstract readonly name: string;

  /** Resolves once the message is accepted; rejects with `TransportUnavailableError` or a per-message error. */
  abstract publish(message: OutboxMessage): Promise<void>;

  /** Resolves when the transport can publish now (connecting if needed); rejects with the reason it cannot. */
  abstract check(): Promise<void>;

  /** Releases connections; publishes still waiting for a confirm reject with `TransportUnavailableError`. */
  abstract close(): Promise<void>;
}

/** The transport cannot publish anything right now (broker down, connection or channel lost, confirm timed out). */
export class TransportUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TransportUnavailableError';
  }
}

/** The transport refused this one message (nacked, unroutable, no routing key for its type, too large). */
export class MessageRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MessageRejectedError';
  }
}
