/**
 * Reads a CloudEvents 1.0 command from an AMQP message, in either mode of the CloudEvents AMQP binding:
 * structured (`application/cloudevents+json`, the whole event in the body) or binary (attributes in
 * `cloudEvents:`-prefixed application properties, `data` in the body, `datacontenttype` as the content type).
 * Anything that is not a valid event is an `InvalidCommandMessage`: a poison message, dead-lettered at once.
 */
import { CloudEvent, ValidationError } from 'cloudevents';

export const CLOUDEVENTS_JSON = 'application/cloudevents+json';

/** What the consumer needs from an AMQP delivery; amqplib's ConsumeMessage fits it. */
export interface AmqpMessageLike {
  readonly content: Buffer;
  readonly properties: {
    readonly contentType?: string;
    readonly headers?: Record<string, unknown>;
    readonly messageId?: string;
  };
}

/** A command as the message handlers receive it (`@Payload()`): the CloudEvent's attributes and its `data`. */
export interface CommandMessage {
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject: string | null;
  readonly time: string | null;
  readonly data: unknown;
  readonly mode: 'structured' | 'binary';
  /** W3C trace context carried by the event (`traceparent` / `tracestate` extensions), if any. */
  readonly traceparent: string | null;
  readonly tracestate: string | null;
}

export class InvalidCommandMessage extends Error {
  constructor(
    detail: string,
    readonly errors: ReadonlyArray<{ pointer: string; detail: string }> = [],
  ) {
    super(detail);
    this.name = 'InvalidCommandMessage';
  }
}

/** CloudEvents ids and sources are keys of the inbox: bounded so they fit its primary key. */
const MAX_KEY_LENGTH = 255;
const BINARY_PREFIXES = ['cloudEvents:', 'cloudEvents_'];

export function parseCommandMessage(message: AmqpMessageLike): CommandMessage {
  const contentType = mediaType(message.properties.contentType);
  const headers = message.properties.headers ?? {};
  if (contentType === CLOUDEVENTS_JSON) return fromAttributes(parseJson(message.content, 'the body'), 'structured');
  const attributes = binaryAttributes(headers);
  if (attributes.specversion === undefined) {
    throw new InvalidCommandMessage(
      `Not a CloudEvent: send it as ${CLOUDEVENTS_JSON} (structured mode) or with cloudEvents:-prefixed headers (binary mode).`,
    );
  }
  const body = message.content;
  let data: unknown;
  if (body.length > 0) {
    if (contentType !== null && contentType !== 'application/json' && !contentType.endsWith('+json'))
      throw new InvalidCommandMessage(`The data must be JSON (content type application/json), not ${contentType}.`);
    data = parseJson(body, 'the data');
  }
  return fromAttributes({ ...attributes, ...(data === undefined ? {} : { data }) }, 'binary');
}

function fromAttributes(event: unknown, mode: CommandMessage['mode']): CommandMessage {
  if (typeof event !== 'object' || event === null || Array.isArray(event))
    throw new InvalidCommandMessage('The CloudEvent must be a JSON object.');
  const attributes = event as Record<string, unknown>;
  if (attributes.specversion !== '1.0')
    throw new InvalidCommandMessage('Only CloudEvents 1.0 is understood.', [
      { pointer: '/specversion', detail: `must be "1.0" (got ${JSON.stringify(attributes.specversion)})` },
    ]);
  if ('data_base64' in attributes)
    throw new InvalidCommandMessage('The data must be JSON, not data_base64.', [
      { pointer: '/data_base64', detail: 'is not accepted' },
    ]);
  let cloudEvent: CloudEvent<unknown>;
  try {
    cloudEvent = new CloudEvent(attributes);
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const errors = ((error.errors ?? []) as Array<{ instancePath?: string; message?: string } | string>).map((e) =>
      typeof e === 'string'
        ? { pointer: '/', detail: e }
        : { pointer: e.instancePath || '/', detail: e.message ?? 'is not valid' },
    );
    throw new InvalidCommandMessage(`Not a valid CloudEvent: ${error.message.split('\n')[0]}.`, errors);
  }
  for (const key of ['id', 'source'] as const) {
    if (String(cloudEvent[key]).length > MAX_KEY_LENGTH)
      throw new InvalidCommandMessage(`The CloudEvent ${key} is too long.`, [
        { pointer: `/${key}`, detail: `must be at most ${MAX_KEY_LENGTH} characters` },
      ]);
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return {
    id: cloudEvent.id,
    source: cloudEvent.source,
    type: cloudEvent.type,
    subject: text(attributes.subject),
    time: text(attributes.time),
    data: attributes.data,
    mode,
    traceparent: text(attributes.traceparent),
    tracestate: text(attributes.tracestate),
  };
}

/** `cloudEvents:id` → `id`, and so on; AMQP may carry the values as strings or buffers. */
function binaryAttributes(headers: Record<string, unknown>): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    const prefix = BINARY_PREFIXES.find((p) => name.startsWith(p));
    if (!prefix) continue;
    attributes[name.slice(prefix.length)] = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  }
  return attributes;
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new InvalidCommandMessage(`${what.charAt(0).toUpperCase()}${what.slice(1)} is not valid JSON.`);
  }
}

function mediaType(contentType: string | undefined): string | null {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  return type ? type : null;
}
