/**
 * What one outbox row goes out as. The outbox stores each event once, as written; a lib whose contract publishes
 * an event in more than one form at a time (a new version next to the one it deprecates) says here which messages a
 * row becomes, so the relay needs to know nothing about that contract. Every message keeps the row's id, aggregate,
 * headers and time; the relay publishes them in the order given and marks the row published once all are acked.
 */

/** One message a row is published as: the event type (which picks the routing key) and the body. */
export interface OutboxPublication {
  readonly type: string;
  readonly payload: string;
}

/** The messages a row of `type` with body `payload` is published as; a throw fails the row like a rejected publish. */
export type OutboxPublicationsOf = (type: string, payload: string) => readonly OutboxPublication[];

/** The injection token of the OutboxPublicationsOf a relay host uses; without one a row is published as written. */
export const OUTBOX_PUBLICATIONS = Symbol('OUTBOX_PUBLICATIONS');
