import { InvalidCommandMessage, parseCommandMessage } from './command-message';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const structured = (event: unknown, contentType = 'application/cloudevents+json; charset=utf-8') => ({
  content: Buffer.from(JSON.stringify(event)),
  properties: { contentType },
});

function rejectionOf(run: () => unknown): InvalidCommandMessage {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidCommandMessage) return error;
    throw error;
  }
  throw new Error('expected an InvalidCommandMessage');
}

describe('parseCommandMessage', () => {
  it('reads a structured-mode CloudEvent', () => {
    const command = parseCommandMessage(
      structured({
        specversion: '1.0',
        id: 'e-1',
        source: '/crm',
        type: 'customerflow.customer.update.v1',
        subject: '42',
        traceparent: TRACEPARENT,
        data: { version: 3, patch: { name: 'Ana' } },
      }),
    );
    expect(command).toMatchObject({
      id: 'e-1',
      source: '/crm',
      type: 'customerflow.customer.update.v1',
      subject: '42',
      mode: 'structured',
      traceparent: TRACEPARENT,
      data: { version: 3, patch: { name: 'Ana' } },
    });
  });

  it('reads a binary-mode CloudEvent from cloudEvents: headers and a JSON body', () => {
    const command = parseCommandMessage({
      content: Buffer.from('{"name":"Ana","email":"ana@example.com"}'),
      properties: {
        contentType: 'application/json',
        headers: {
          'cloudEvents:specversion': '1.0',
          'cloudEvents:id': Buffer.from('e-2'),
          'cloudEvents:source': '/onboarding',
          'cloudEvents:type': 'customerflow.customer.register.v1',
          'cloudEvents:traceparent': TRACEPARENT,
          other: 'ignored',
        },
      },
    });
    expect(command).toMatchObject({
      id: 'e-2',
      source: '/onboarding',
      subject: null,
      mode: 'binary',
      traceparent: TRACEPARENT,
      data: { name: 'Ana', email: 'ana@example.com' },
    });
  });

  it.each([
    [
      'a body that is not JSON',
      { content: Buffer.from('{'), properties: { contentType: 'application/cloudevents+json' } },
      /not valid JSON/,
    ],
    [
      'a plain JSON message without CloudEvents headers',
      { content: Buffer.from('{}'), properties: { contentType: 'application/json' } },
      /Not a CloudEvent/,
    ],
    [
      'another spec version',
      structured({ specversion: '0.3', id: '1', source: '/a', type: 't' }),
      /Only CloudEvents 1.0/,
    ],
    ['an empty source', structured({ specversion: '1.0', id: '1', source: '', type: 't' }), /Not a valid CloudEvent/],
    [
      'an id too long for the inbox',
      structured({ specversion: '1.0', id: 'x'.repeat(256), source: '/a', type: 't' }),
      /id is too long/,
    ],
    [
      'base64 data',
      structured({ specversion: '1.0', id: '1', source: '/a', type: 't', data_base64: 'e30=' }),
      /data_base64/,
    ],
  ])('rejects %s as poison', (_name, message, reason) => {
    expect(rejectionOf(() => parseCommandMessage(message)).message).toMatch(reason);
  });
});
