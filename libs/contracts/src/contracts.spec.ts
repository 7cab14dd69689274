/**
 * The contract subscribers depend on: the schemas compile, real-looking events pass, drift fails with an error that
 * names it, and the AsyncAPI document agrees with the schemas and the routing keys.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import {
  asyncApiDocument,
  CLOUDEVENTS_SOURCE,
  commandDeadLetterSchema,
  commandDefsSchema,
  CustomerCommandType,
  customerCommandSchemas,
  customerDefsSchema,
  CustomerEvent,
  customerEventPublications,
  customerEventSchemas,
  customerEventSchemasV2,
  CustomerEventType,
  CustomerEventTypeV2,
  CustomerRegisteredData,
  paddedSequence,
  routingKeyOf,
  SEQUENCE_DIGITS,
  toCustomerEventV2,
} from './index';
import { createCustomerEventValidator } from './testing';

const validate = createCustomerEventValidator();
const CONTRACTS_ROOT = join(__dirname, '..');
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

// --- object mothers: one valid event per type, typed so TypeScript checks the same field names as the schemas ---

function aCustomer(overrides: Partial<CustomerRegisteredData> = {}): CustomerRegisteredData {
  return {
    id: '42',
    name: 'Ana Souza',
    email: 'ana@example.com',
    phone: '+5511987654321',
    document: { type: 'CPF', number: '52998224725' },
    birthDate: '1990-04-01',
    status: 'active',
    addresses: [anAddress()],
    createdAt: '2026-03-02T14:05:09.123Z',
    updatedAt: '2026-03-02T14:05:09.123Z',
    version: 1,
    ...overrides,
  };
}

function anAddress() {
  return {
    street: 'Avenida Paulista',
    number: '1578',
    complement: null,
    district: 'Bela Vista',
    city: 'São Paulo',
    state: 'SP',
    postalCode: '01310200',
    country: 'BR',
  };
}

function envelope<T extends CustomerEvent['type']>(type: T, version: number) {
  return {
    specversion: '1.0' as const,
    id: '3f8c2a9e-5b1d-4c7e-9a60-2d4b8e1f7c35',
    source: CLOUDEVENTS_SOURCE,
    type,
    subject: '42',
    time: '2026-03-02T14:05:09.123Z',
    datacontenttype: 'application/json' as const,
    sequence: String(version),
    traceparent: TRACEPARENT,
  };
}

const validEvents: { [K in CustomerEventType]: () => Extract<CustomerEvent, { type: K }> } = {
  [CustomerEventType.registered]: () => ({ ...envelope(CustomerEventType.registered, 1), data: aCustomer() }),
  [CustomerEventType.updated]: () => ({
    ...envelope(CustomerEventType.updated, 2),
    data: {
      id: '42',
      version: 2,
      updatedAt: '2026-03-03T09:12:44.501Z',
      changes: { email: 'ana.souza@example.com', phone: null, document: null, birthDate: null, addresses: [] },
    },
  }),
  [CustomerEventType.deactivated]: () => ({
    ...envelope(CustomerEventType.deactivated, 3),
    data: { id: '42', version: 3, status: 'inactive', updatedAt: '2026-03-10T17:30:00.000Z' },
  }),
  [CustomerEventType.reactivated]: () => ({
    ...envelope(CustomerEventType.reactivated, 4),
    data: { id: '42', version: 4, status: 'active', updatedAt: '2026-03-11T08:00:12.250Z' },
  }),
  [CustomerEventType.erased]: () => ({
    ...envelope(CustomerEventType.erased, 5),
    data: { id: '42', version: 5, erasedAt: '2026-04-01T12:00:00.000Z' },
  }),
};

// A loosely typed copy, so a test can break the event on purpose.
function aValid(type: CustomerEventType): Record<string, any> {
  return structuredClone(validEvents[type]());
}

const ALL_TYPES = Object.values(CustomerEventType);
const ALL_V2_TYPES = Object.values(CustomerEventTypeV2);
const ALL_SCHEMAS: Record<string, object> = { ...customerEventSchemas, ...customerEventSchemasV2 };

/** The valid `.v1` event of the same fact, as its `.v2`. */
function aValidV2(type: CustomerEventTypeV2): Record<string, any> {
  const v1 = ALL_TYPES.find((candidate) => candidate === type.replace(/\.v2$/, '.v1'))!;
  return structuredClone(toCustomerEventV2(validEvents[v1]()));
}

describe('customer event schemas', () => {
  it('compile together in one strict Ajv instance', () => {
    const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addSchema(customerDefsSchema);
    for (const schema of Object.values(ALL_SCHEMAS)) {
      expect(() => ajv.compile(schema)).not.toThrow();
    }
  });

  it.each([...ALL_TYPES, ...ALL_V2_TYPES])(
    '%s: the schema is keyed, identified and constrained by its own type',
    (type) => {
      const schema = ALL_SCHEMAS[type] as { $id: string; properties: { type: { const: string } } };
      expect(schema.$id).toBe(`https://customerflow.example/schemas/${type}.json`);
      expect(schema.properties.type.const).toBe(type);
    },
  );

  it('pin the CloudEvents source to the one the service publishes', () => {
    const defs = customerDefsSchema as { $defs: { source: { const: string } } };
    expect(defs.$defs.source.const).toBe(CLOUDEVENTS_SOURCE);
  });

  it.each(ALL_V2_TYPES)('%s: the schema is its .v1 one with the padded sequence, nothing else', (type) => {
    const v1Type = type.replace(/\.v2$/, '.v1') as CustomerEventType;
    const strip = ({ $id, title, description, properties, ...rest }: any) => {
      const { type: _type, sequence, ...otherProperties } = properties;
      return { rest, otherProperties, $id: typeof $id, title: typeof title, description: typeof description };
    };
    const v2 = ALL_SCHEMAS[type] as any;
    expect(strip(v2)).toEqual(strip(customerEventSchemas[v1Type]));
    expect(v2.properties.sequence.$ref).toBe('customer.defs.schema.json#/$defs/paddedSequence');
    expect(v2.description).toContain(`routing key ${routingKeyOf(type)}.`);
  });

  it('cannot be changed by a caller', () => {
    const schema = customerEventSchemas[CustomerEventType.erased] as { properties: Record<string, unknown> };
    expect(() => {
      schema.properties.data = {};
    }).toThrow(TypeError);
  });
});

describe('createCustomerEventValidator', () => {
  it.each(ALL_TYPES)('accepts a valid %s event', (type) => {
    expect(validate(aValid(type))).toEqual({ valid: true, errors: [] });
  });

  it.each(ALL_V2_TYPES)('accepts a valid %s event, whose sequence is zero-padded', (type) => {
    const event = aValidV2(type);
    expect(event.sequence).toMatch(/^0{19}[1-5]$/);
    expect(validate(event)).toEqual({ valid: true, errors: [] });
  });

  describe('.v2 sequence', () => {
    function errorsOf(event: unknown): string[] {
      const result = validate(event);
      expect(result.valid).toBe(false);
      return result.errors;
    }

    it('rejects an unpadded sequence, the .v1 form', () => {
      const event = { ...aValidV2(CustomerEventTypeV2.updated), sequence: '2' };
      expect(errorsOf(event)).toEqual([
        '/sequence must NOT have fewer than 20 characters',
        '/sequence must equal /data/version zero-padded to 20 digits ("00000000000000000002")',
      ]);
    });

    it.each([
      ['too wide', '0'.repeat(19) + '02', '/sequence must NOT have more than 20 characters'],
      ['all zeros', '0'.repeat(20), '/sequence must match pattern "^0*[1-9][0-9]*$"'],
      ['not digits', '0'.repeat(18) + '2a', '/sequence must match pattern "^0*[1-9][0-9]*$"'],
    ])('rejects a sequence that is %s', (_, sequence, error) => {
      expect(errorsOf({ ...aValidV2(CustomerEventTypeV2.updated), sequence })).toContain(error);
    });

    it('rejects a padded sequence that is not the customer version', () => {
      const event = { ...aValidV2(CustomerEventTypeV2.updated), sequence: paddedSequence(7) };
      expect(errorsOf(event)).toEqual([
        '/sequence must equal /data/version zero-padded to 20 digits ("00000000000000000002")',
      ]);
    });

    it('is refused in a .v1 event, whose schema is unchanged', () => {
      const event = { ...aValid(CustomerEventType.updated), sequence: paddedSequence(2) };
      expect(errorsOf(event)).toEqual([
        '/sequence must match pattern "^[1-9][0-9]*$"',
        '/sequence must equal /data/version ("2")',
      ]);
    });
  });

  it('accepts an event without trace context and with a tracestate', () => {
    const withoutTrace = aValid(CustomerEventType.registered);
    delete withoutTrace.traceparent;
    expect(validate(withoutTrace)).toEqual({ valid: true, errors: [] });
    expect(validate({ ...aValid(CustomerEventType.registered), tracestate: 'vendor=abc' }).valid).toBe(true);
  });

  it('accepts the CNPJ alphanumeric form and a customer with no optional data', () => {
    const event = aValid(CustomerEventType.registered);
    event.data = aCustomer({
      phone: null,
      document: { type: 'CNPJ', number: '12ABC34501DE35' },
      birthDate: null,
      addresses: [],
    });
    expect(validate(event)).toEqual({ valid: true, errors: [] });
  });

  describe('catches drift', () => {
    function errorsOf(event: unknown): string[] {
      const result = validate(event);
      expect(result.valid).toBe(false);
      return result.errors;
    }

    it('an extra field in the customer', () => {
      const event = aValid(CustomerEventType.registered);
      event.data.nickname = 'Aninha';
      expect(errorsOf(event)).toEqual(['/data must NOT have additional property "nickname"']);
    });

    it('an extra field in an address', () => {
      const event = aValid(CustomerEventType.registered);
      event.data.addresses[0].zip = '01310200';
      expect(errorsOf(event)).toEqual(['/data/addresses/0 must NOT have additional property "zip"']);
    });

    it('an extra attribute on the envelope', () => {
      const event = { ...aValid(CustomerEventType.deactivated), partitionkey: '42' };
      expect(errorsOf(event)).toEqual(['/ must NOT have additional property "partitionkey"']);
    });

    it('a missing required field in the customer', () => {
      const event = aValid(CustomerEventType.registered);
      delete event.data.email;
      expect(errorsOf(event)).toEqual(["/data must have required property 'email'"]);
    });

    it('a missing required envelope attribute', () => {
      const event = aValid(CustomerEventType.updated);
      delete event.sequence;
      expect(errorsOf(event)).toContain("/ must have required property 'sequence'");
    });

    it.each(['email', 'name', 'phone', 'document', 'birthDate', 'addresses'])(
      'personal data (%s) in erased',
      (field) => {
        const event = aValid(CustomerEventType.erased);
        event.data[field] = aCustomer()[field as keyof CustomerRegisteredData];
        expect(errorsOf(event)).toEqual([`/data must NOT have additional property "${field}"`]);
      },
    );

    it('a status change in customer.updated (status changes have their own events)', () => {
      const event = aValid(CustomerEventType.updated);
      event.data.changes.status = 'inactive';
      expect(errorsOf(event)).toEqual(['/data/changes must NOT have additional property "status"']);
    });

    it('an update that changes nothing', () => {
      const event = aValid(CustomerEventType.updated);
      event.data.changes = {};
      expect(errorsOf(event)).toEqual(['/data/changes must NOT have fewer than 1 properties']);
    });

    it('a deactivated event that says active', () => {
      const event = aValid(CustomerEventType.deactivated);
      event.data.status = 'active';
      expect(errorsOf(event)).toEqual(['/data/status must be "inactive"']);
    });

    it('an unknown type, including the next version of a known one', () => {
      const event = { ...aValid(CustomerEventType.registered), type: 'customerflow.customer.registered.v3' };
      expect(errorsOf(event)).toEqual([
        `/type must be one of ${[...ALL_TYPES, ...ALL_V2_TYPES].join(', ')} (got "customerflow.customer.registered.v3")`,
      ]);
      expect(errorsOf({ ...event, type: undefined })[0]).toMatch(/^\/type must be one of .* \(got undefined\)$/);
    });

    it('a body of the wrong type for its type attribute', () => {
      const event = { ...aValid(CustomerEventType.erased), type: CustomerEventType.reactivated };
      expect(errorsOf(event)).toEqual(
        expect.arrayContaining([
          "/data must have required property 'status'",
          "/data must have required property 'updatedAt'",
          '/data must NOT have additional property "erasedAt"',
        ]),
      );
    });

    it('a wrong specversion, source or datacontenttype', () => {
      const event = {
        ...aValid(CustomerEventType.reactivated),
        specversion: '0.3',
        source: '/crm',
        datacontenttype: 'text/json',
      };
      expect(errorsOf(event)).toEqual([
        '/specversion must be "1.0"',
        '/source must be "/customerflow"',
        '/datacontenttype must be "application/json"',
      ]);
    });

    it.each([
      ['not a trace', 'garbage'],
      ['upper-case hex', '00-4BF92F3577B34DA6A3CE929D0E0E4736-00F067AA0BA902B7-01'],
      ['a short span id', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902-01'],
      ['an unknown version', '01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ])('a traceparent that is %s', (_, traceparent) => {
      const event = { ...aValid(CustomerEventType.registered), traceparent };
      expect(errorsOf(event)).toEqual(['/traceparent must match pattern "^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"']);
    });

    it.each([
      ['an id that is not a UUID', { id: '42' }, '/id must match format "uuid"'],
      ['a time without a zone', { time: '2026-03-02T14:05:09' }, '/time must match format "date-time"'],
      ['a numeric sequence', { sequence: 1 }, '/sequence must be string'],
      [
        'a sequence of 0',
        { sequence: '0', data: { id: '42', version: 0, erasedAt: '2026-04-01T12:00:00.000Z' } },
        '/sequence must match pattern "^[1-9][0-9]*$"',
      ],
      ['a numeric subject', { subject: 42 }, '/subject must be string'],
    ])('%s', (_, change, error) => {
      expect(errorsOf({ ...aValid(CustomerEventType.erased), ...change })).toContain(error);
    });

    it.each([
      ['an upper-case email', { email: 'Ana@Example.com' }, '/data/email must match pattern "^[^A-Z]*$"'],
      ['an invalid email', { email: 'ana-at-example' }, '/data/email must match format "email"'],
      ['a phone that is not E.164', { phone: '11987654321' }, '/data/phone must match pattern "^\\+[1-9]\\d{7,14}$"'],
      ['an impossible birthDate', { birthDate: '1990-02-30' }, '/data/birthDate must match format "date"'],
      ['an empty name', { name: '' }, '/data/name must NOT have fewer than 1 characters'],
      ['a name over 200 characters', { name: 'a'.repeat(201) }, '/data/name must NOT have more than 200 characters'],
      ['an unknown status', { status: 'erased' }, '/data/status must be one of "active", "inactive"'],
      ['version 0', { version: 0 }, '/data/version must be >= 1'],
      ['a fractional version', { version: 1.5 }, '/data/version must be integer'],
      [
        'six addresses',
        { addresses: Array.from({ length: 6 }, anAddress) },
        '/data/addresses must NOT have more than 5 items',
      ],
      [
        'a lower-case country',
        { addresses: [{ ...anAddress(), country: 'br' }] },
        '/data/addresses/0/country must match pattern "^[A-Z]{2}$"',
      ],
      [
        'a CPF with 10 digits',
        { document: { type: 'CPF', number: '5299822472' } },
        '/data/document/number must match pattern "^[0-9]{11}$"',
      ],
      [
        'an unknown document type',
        { document: { type: 'RG', number: '123456789' } },
        '/data/document/type must be "CPF"',
      ],
    ])('a customer with %s', (_, overrides, error) => {
      const event = aValid(CustomerEventType.registered);
      event.data = { ...aCustomer(), ...overrides };
      if ('version' in overrides) event.sequence = '1';
      expect(errorsOf(event)).toContain(error);
    });

    it('a subject that is not the customer id', () => {
      const event = { ...aValid(CustomerEventType.deactivated), subject: '43' };
      expect(errorsOf(event)).toEqual(['/subject must equal /data/id ("42")']);
    });

    it('a sequence that is not the customer version', () => {
      const event = { ...aValid(CustomerEventType.updated), sequence: '7' };
      expect(errorsOf(event)).toEqual(['/sequence must equal /data/version ("2")']);
    });

    it('a body that is not an object', () => {
      expect(errorsOf('{"type":"customerflow.customer.erased.v1"}')).toEqual(['/ must be an object']);
      expect(errorsOf(null)).toEqual(['/ must be an object']);
    });
  });
});

describe('routingKeyOf', () => {
  it.each([
    [CustomerEventType.registered, 'customer.registered'],
    [CustomerEventType.updated, 'customer.updated'],
    [CustomerEventType.deactivated, 'customer.deactivated'],
    [CustomerEventType.reactivated, 'customer.reactivated'],
    [CustomerEventType.erased, 'customer.erased'],
    [CustomerEventTypeV2.registered, 'v2.customer.registered'],
    [CustomerEventTypeV2.updated, 'v2.customer.updated'],
    [CustomerEventTypeV2.deactivated, 'v2.customer.deactivated'],
    [CustomerEventTypeV2.reactivated, 'v2.customer.reactivated'],
    [CustomerEventTypeV2.erased, 'v2.customer.erased'],
    ['customerflow.customer.registered.v12', 'v12.customer.registered'],
  ])('%s → %s', (type, routingKey) => {
    expect(routingKeyOf(type)).toBe(routingKey);
  });

  it.each([
    'customer.registered',
    'customerflow.customer.registered',
    'customerflow.registered.v1',
    'acme.customer.registered.v1',
    'customerflow.customer.registered.v0',
    'customerflow.customer.*.v1',
    'customerflow.Customer.registered.v1',
    '',
  ])('rejects %j', (type) => {
    expect(() => routingKeyOf(type)).toThrow(
      `Not a CustomerFlow event type: "${type}" (expected customerflow.<aggregate>.<fact>.v<n>)`,
    );
  });
});

describe('paddedSequence', () => {
  it('pads a version to 20 digits', () => {
    expect(SEQUENCE_DIGITS).toBe(20);
    expect(paddedSequence(1)).toBe('00000000000000000001');
    expect(paddedSequence('42')).toBe('00000000000000000042');
    expect(paddedSequence(Number.MAX_SAFE_INTEGER)).toBe('00009007199254740991');
    // The largest unsigned 64-bit integer still fits, so no version the service can reach needs a wider one.
    expect(paddedSequence('18446744073709551615')).toBe('18446744073709551615');
  });

  it('sorts as a string exactly as the versions sort as numbers, where the plain decimal form does not', () => {
    const versions = [1, 2, 9, 10, 11, 99, 100, 101, 999, 1000, 123_456, 2 ** 31, Number.MAX_SAFE_INTEGER];
    const shuffled = [...versions].reverse();
    expect(shuffled.map(paddedSequence).sort()).toEqual(versions.map(paddedSequence));
    expect(paddedSequence(9) < paddedSequence(10)).toBe(true);
    expect(paddedSequence(99) < paddedSequence(100)).toBe(true);
    expect(String(9) < String(10)).toBe(false); // why .v1 had to change
    expect(String(99) < String(100)).toBe(false);
  });

  it.each([0, -1, 1.5, Number.NaN, '007', '1e3', '', '184467440737095516150'])('refuses %j', (version) => {
    expect(() => paddedSequence(version)).toThrow(`Not a version a sequence can carry: ${JSON.stringify(version)}`);
  });
});

describe('toCustomerEventV2', () => {
  it.each(ALL_TYPES)('%s: the same event, its type .v2 and its sequence padded', (type) => {
    const v1 = validEvents[type]();
    const v2 = toCustomerEventV2(v1);
    expect(v2).toEqual({ ...v1, type: type.replace(/\.v1$/, '.v2'), sequence: paddedSequence(v1.sequence) });
    expect(Object.keys(v2)).toEqual(Object.keys(v1));
    expect(v2.id).toBe(v1.id);
    expect(routingKeyOf(v2.type)).toBe(`v2.${routingKeyOf(v1.type)}`);
    expect(validate(v2)).toEqual({ valid: true, errors: [] });
  });

  it("orders one customer's events across 9 → 10 and 99 → 100 by comparing sequences as strings", () => {
    const versions = [8, 9, 10, 11, 98, 99, 100, 101];
    const events = versions.map((version) => {
      const event = aValid(CustomerEventType.reactivated);
      event.sequence = String(version);
      event.data.version = version;
      return toCustomerEventV2(event as CustomerEvent);
    });
    const bySequence = [...events].reverse().sort((a, b) => (a.sequence < b.sequence ? -1 : 1));
    expect(bySequence.map((e) => e.data.version)).toEqual(versions);
    for (const event of events) expect(validate(event)).toEqual({ valid: true, errors: [] });
  });
});

describe('customerEventPublications', () => {
  const v1 = validEvents[CustomerEventType.updated]();
  const body = JSON.stringify(v1);
  const v2 = JSON.stringify(toCustomerEventV2(v1));

  it('publishes a stored .v1 event as it is and as its .v2, in that order, during the deprecation period', () => {
    expect(customerEventPublications(['v1', 'v2'])(v1.type, body)).toEqual([
      { type: CustomerEventType.updated, payload: body },
      { type: CustomerEventTypeV2.updated, payload: v2 },
    ]);
  });

  it('publishes only the .v2 once it has ended, and only the .v1 if v2 is not published', () => {
    expect(customerEventPublications(['v2'])(v1.type, body)).toEqual([
      { type: CustomerEventTypeV2.updated, payload: v2 },
    ]);
    expect(customerEventPublications(['v1'])(v1.type, body)).toEqual([{ type: v1.type, payload: body }]);
  });

  it('leaves what is not a .v1 customer event as it is', () => {
    const publications = customerEventPublications(['v1', 'v2']);
    expect(publications('customerflow.invoice.paid.v1', '{"x":1}')).toEqual([
      { type: 'customerflow.invoice.paid.v1', payload: '{"x":1}' },
    ]);
    expect(publications('constructor', 'not json')).toEqual([{ type: 'constructor', payload: 'not json' }]);
  });

  it('refuses to publish no version at all', () => {
    expect(() => customerEventPublications([])).toThrow('customerEventPublications needs at least one version');
  });

  it('throws on a .v1 body it cannot derive the .v2 of, rather than skip the .v2', () => {
    const publications = customerEventPublications(['v1', 'v2']);
    expect(() => publications(v1.type, 'not json')).toThrow(SyntaxError);
    expect(() => publications(v1.type, JSON.stringify({ ...v1, sequence: undefined }))).toThrow(
      'Not a version a sequence can carry: undefined',
    );
  });
});

describe('the AsyncAPI document', () => {
  interface Message {
    name: string;
    contentType: string;
    payload: { $ref: string };
    headers: { $ref: string };
    examples: { headers: unknown; payload: unknown }[];
  }
  const doc = asyncApiDocument as {
    asyncapi: string;
    info: { description: string };
    servers: Record<string, { protocol: string }>;
    channels: Record<
      string,
      { address: string; messages: Record<string, { $ref: string }>; bindings: { $ref: string } }
    >;
    operations: Record<string, { action: string; bindings: { $ref: string } }>;
    components: { messages: Record<string, Message> };
  };

  // A tiny resolver: enough to prove every $ref in the document points at something, without @asyncapi/parser.
  function resolve(ref: string): any {
    const [file, pointer = ''] = ref.split('#');
    const root = file ? JSON.parse(readFileSync(join(CONTRACTS_ROOT, file), 'utf8')) : doc;
    return pointer
      .split('/')
      .slice(1)
      .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce((node, token) => (node === undefined ? undefined : node[token]), root);
  }

  function refsIn(node: unknown): string[] {
    if (Array.isArray(node)) return node.flatMap(refsIn);
    if (node === null || typeof node !== 'object') return [];
    return Object.entries(node).flatMap(([key, value]) => (key === '$ref' ? [value as string] : refsIn(value)));
  }

  // Events (published to the exchange) and commands (consumed from a queue) share the document.
  const EVENT_TYPES = [...ALL_TYPES, ...ALL_V2_TYPES];
  const messages = Object.values(doc.components.messages).filter((m) => EVENT_TYPES.includes(m.name as never));
  const eventChannels = Object.values(doc.channels).filter(
    (c) => c.bindings && resolve(c.bindings.$ref).amqp.is === 'routingKey',
  );
  const eventOperations = Object.entries(doc.operations)
    .filter(([name]) => name.startsWith('publishCustomer'))
    .map(([, operation]) => operation);

  it('is AsyncAPI 3.1.0 with an amqp production server', () => {
    expect(doc.asyncapi).toBe('3.1.0');
    expect(doc.servers.production.protocol).toBe('amqp');
  });

  it('has no dangling $ref, internal or to a schema file', () => {
    const refs = refsIn(doc);
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) expect([ref, resolve(ref)]).toEqual([ref, expect.anything()]);
  });

  it('names the durable topic exchange customerflow.events on every channel', () => {
    expect(eventChannels).toHaveLength(EVENT_TYPES.length);
    for (const channel of eventChannels) {
      expect(resolve(channel.bindings.$ref).amqp).toMatchObject({
        is: 'routingKey',
        exchange: { name: 'customerflow.events', type: 'topic', durable: true },
      });
    }
  });

  it('has one channel per routing key, carrying the message of that type', () => {
    const byAddress = Object.fromEntries(
      eventChannels.map((channel) => [
        channel.address,
        Object.values(channel.messages).map((ref) => (resolve(ref.$ref) as Message).name),
      ]),
    );
    expect(byAddress).toEqual(Object.fromEntries(EVENT_TYPES.map((type) => [routingKeyOf(type), [type]])));
  });

  it.each([...ALL_TYPES, ...ALL_V2_TYPES])('describes %s with the schema of that type and a valid example', (type) => {
    const message = messages.find((candidate) => candidate.name === type);
    expect(message).toBeDefined();
    expect(message!.contentType).toBe('application/cloudevents+json');
    const payload = resolve(message!.payload.$ref);
    // Bundled: the schema of the type, with its references made local to the document.
    expect(payload.title).toBe((ALL_SCHEMAS[type] as { title: string }).title);
    expect(payload.properties.type).toEqual({ type: 'string', const: type });
    expect(JSON.stringify(payload)).not.toMatch(/"\$(id|schema)"|schema\.json/);
    expect(message!.examples.length).toBeGreaterThan(0);
    for (const example of message!.examples) {
      expect(validate(example.payload)).toEqual({ valid: true, errors: [] });
    }
  });

  it('resolves the payload schemas of asyncapi.json relative to it, the way a file-based parser would', () => {
    const source = JSON.parse(readFileSync(join(CONTRACTS_ROOT, 'asyncapi.json'), 'utf8')) as typeof doc;
    const eventMessages = Object.values(source.components.messages).filter((m) => m.name in ALL_SCHEMAS);
    expect(eventMessages).toHaveLength(EVENT_TYPES.length);
    for (const message of eventMessages) {
      const file = join(CONTRACTS_ROOT, message.payload.$ref);
      const schema = JSON.parse(readFileSync(file, 'utf8'));
      expect(schema).toEqual(ALL_SCHEMAS[message.name]);
      for (const ref of refsIn(schema).filter((r) => !r.startsWith('#'))) {
        const defsFile = join(dirname(file), ref.split('#')[0]);
        expect(JSON.parse(readFileSync(defsFile, 'utf8'))).toEqual(customerDefsSchema);
      }
    }
  });

  it('publishes persistently and carries traceparent as a header', () => {
    expect(eventOperations).toHaveLength(EVENT_TYPES.length);
    for (const operation of eventOperations) {
      expect(operation.action).toBe('send');
      expect(resolve(operation.bindings.$ref).amqp).toMatchObject({ deliveryMode: 2 });
    }
    for (const message of messages) {
      expect(resolve(message.headers.$ref).properties.traceparent.pattern).toBe(
        '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$',
      );
    }
  });

  it('tells subscribers where unroutable messages go', () => {
    expect(doc.info.description).toContain('alternate-exchange');
    expect(doc.info.description).toContain('`customerflow.events.unrouted`');
  });
});

describe('the command contract', () => {
  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(commandDefsSchema);
  ajv.addSchema(customerDefsSchema);
  const doc = asyncApiDocument as {
    channels: Record<string, { address: string | null; messages: Record<string, { $ref: string }> }>;
    operations: Record<string, { action: string; reply?: { channel: { $ref: string } } }>;
    components: {
      messages: Record<string, { name: string; payload: { $ref: string }; examples?: { payload: unknown }[] }>;
    };
  };
  const COMMAND_TYPES = Object.values(CustomerCommandType);

  it.each(COMMAND_TYPES)('%s: its schema compiles, is keyed by its type, and its AsyncAPI example is valid', (type) => {
    const schema = customerCommandSchemas[type] as { $id: string; properties: { type: { const: string } } };
    expect(schema.$id).toBe(`https://customerflow.example/schemas/${type}.json`);
    expect(schema.properties.type.const).toBe(type);
    const check = ajv.compile(schema);
    const message = Object.values(doc.components.messages).find((m) => m.name === type)!;
    // Bundled: the file's schema, under its name, in components.schemas.
    expect(message.payload.$ref).toBe(`#/components/schemas/${type}`);
    for (const example of message.examples!)
      expect([check(example.payload), check.errors ?? null]).toEqual([true, null]);
  });

  it('rejects a command without its subject, an update without a version, and a register with unknown fields', () => {
    const update = ajv.compile(customerCommandSchemas[CustomerCommandType.update]);
    const register = ajv.compile(customerCommandSchemas[CustomerCommandType.register]);
    const envelope = { specversion: '1.0', id: '1', source: '/crm' };
    expect(update({ ...envelope, type: CustomerCommandType.update, data: { version: 1, patch: {} } })).toBe(false);
    expect(update({ ...envelope, type: CustomerCommandType.update, subject: '42', data: { patch: {} } })).toBe(false);
    expect(
      register({ ...envelope, type: CustomerCommandType.register, data: { name: 'A', email: 'a@b.c', id: '7' } }),
    ).toBe(false);
    expect(register({ ...envelope, type: CustomerCommandType.register, data: { name: 'A', email: 'a@b.c' } })).toBe(
      true,
    );
  });

  it('describes the commands queue, its dead letter queue and the replies', () => {
    const addresses = Object.values(doc.channels).map((c) => c.address);
    expect(addresses).toEqual(expect.arrayContaining(['customerflow.commands', 'customerflow.commands.dlq', null]));
    expect(doc.operations.receiveCustomerCommands.action).toBe('receive');
    expect(doc.operations.receiveCustomerCommands.reply!.channel.$ref).toBe('#/channels/commandReplies');
    expect(doc.operations.deadLetterCustomerCommands.action).toBe('send');
    const deadLetter = ajv.compile(commandDeadLetterSchema);
    const [example] = doc.components.messages.commandDeadLetter.examples!;
    expect([deadLetter(example.payload), deadLetter.errors ?? null]).toEqual([true, null]);
  });
});
