/**
 * The AsyncAPI document as subscribers' tools read it: the official parser (`@asyncapi/parser`, which also runs its
 * Spectral rules) parses the bundled document with no error and no warning, and finds every message with its
 * payload schema inlined.
 */
import { Parser } from '@asyncapi/parser';
import { asyncApiDocument, CustomerEventType, CustomerEventTypeV2, routingKeyOf } from './index';

const ALL_TYPES = [...Object.values(CustomerEventType), ...Object.values(CustomerEventTypeV2)];

function externalRefs(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(externalRefs);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' && !value.startsWith('#') ? [value] : externalRefs(value),
  );
}

it('has no external $ref', () => {
  expect(externalRefs(asyncApiDocument)).toEqual([]);
});

it('is parsed by @asyncapi/parser with no error and no warning', async () => {
  const { document, diagnostics } = await new Parser().parse(JSON.stringify(asyncApiDocument));
  expect(diagnostics.map((d) => `${d.severity} ${d.code} at ${d.path.join('.')}: ${d.message}`)).toEqual([]);
  expect(document).toBeDefined();
  const messages = document!.allMessages().all();
  const eventMessages = messages.filter((message) => (ALL_TYPES as string[]).includes(message.name()!));
  expect(eventMessages.map((message) => message.name()).sort()).toEqual([...ALL_TYPES].sort());
  for (const message of eventMessages) {
    const payload = message.payload()!;
    expect(payload.type()).toBe('object');
    expect(payload.properties()!.type.const()).toBe(message.name());
    expect(Object.keys(payload.properties()!.data.json())).not.toHaveLength(0);
  }
  // Every message, commands and replies included, has its payload schema inlined.
  for (const message of messages) expect(message.payload()?.json()).toEqual(expect.objectContaining({}));
  const addresses = document!
    .allChannels()
    .all()
    .map((channel) => channel.address());
  expect(addresses).toEqual(expect.arrayContaining(ALL_TYPES.map(routingKeyOf)));
});
