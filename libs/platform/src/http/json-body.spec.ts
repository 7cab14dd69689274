import { ProblemException } from './problem';
import { forbiddenKeys, forbiddenQueryParameters, MAX_JSON_DEPTH, nestingDepth, parseJsonBody } from './json-body';

function problemOf(attempt: () => unknown): { slug: string; status: number; pointers: string[] } {
  try {
    attempt();
  } catch (error) {
    if (error instanceof ProblemException) {
      return {
        slug: error.problem.slug,
        status: error.problem.status,
        pointers: (error.problem.errors ?? []).map((e) => e.pointer),
      };
    }
    throw error;
  }
  throw new Error('expected a ProblemException');
}

describe('parseJsonBody', () => {
  it('reads an object or an array exactly, and an empty body as none', () => {
    expect(parseJsonBody(Buffer.from('{"name":"Ana Souza","n":[1,{"a":"ç"}]}'))).toEqual({
      name: 'Ana Souza',
      n: [1, { a: 'ç' }],
    });
    expect(parseJsonBody(Buffer.from('  '))).toBeUndefined();
  });

  it.each([
    ['a lone continuation byte', Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0x80, 0x22, 0x7d])],
    ['a truncated sequence', Buffer.concat([Buffer.from('{"n":"'), Buffer.from([0xc3]), Buffer.from('"}')])],
    ['an overlong encoding', Buffer.concat([Buffer.from('{"n":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('"}')])],
    [
      'a UTF-16 surrogate in UTF-8',
      Buffer.concat([Buffer.from('{"n":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    ],
  ])('refuses %s as invalid UTF-8 instead of storing U+FFFD', (_case, bytes) => {
    expect(problemOf(() => parseJsonBody(bytes))).toMatchObject({ status: 400, slug: 'invalid-utf8' });
  });

  it(`accepts ${MAX_JSON_DEPTH} levels and refuses one more, or 3,000`, () => {
    const nested = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
    expect(parseJsonBody(Buffer.from(nested(MAX_JSON_DEPTH)))).toBeDefined();
    expect(problemOf(() => parseJsonBody(Buffer.from(nested(MAX_JSON_DEPTH + 1))))).toMatchObject({
      slug: 'too-deeply-nested',
    });
    expect(problemOf(() => parseJsonBody(Buffer.from(`{"a":${nested(3000)}}`)))).toMatchObject({
      slug: 'too-deeply-nested',
    });
  });

  it('counts brackets inside strings as text, escaped quotes included', () => {
    expect(nestingDepth('{"a":"[[[[[{{{{\\"[[[["}')).toBe(1);
    expect(parseJsonBody(Buffer.from(`{"name":"${'['.repeat(100)}"}`))).toEqual({ name: '['.repeat(100) });
  });

  it('refuses __proto__, constructor and prototype keys anywhere, each with its pointer', () => {
    const body = '{"__proto__":{"admin":true},"a":[{"constructor":1}],"b":{"c":{"prototype":{}}},"d~/e":1}';
    expect(problemOf(() => parseJsonBody(Buffer.from(body)))).toEqual({
      status: 400,
      slug: 'validation-failed',
      pointers: ['/__proto__', '/a/0/constructor', '/b/c/prototype'],
    });
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(forbiddenKeys({ 'x/y': { constructor: 1 } }, '')).toEqual(['/x~1y/constructor']);
  });

  it.each(['"a string"', '42', 'null', '{"a":', '{"a":1}x'])('refuses %s as malformed', (text) => {
    expect(problemOf(() => parseJsonBody(Buffer.from(text)))).toMatchObject({ slug: 'malformed-json' });
  });
});

describe('forbiddenQueryParameters', () => {
  it('names prototype-like parameters, also in bracket form, and nothing else', () => {
    expect(forbiddenQueryParameters('__proto__=1&status=active&constructor[prototype][admin]=1&prototype')).toEqual([
      { pointer: '/__proto__', detail: 'is not a known field and is not allowed' },
      { pointer: '/constructor[prototype][admin]', detail: 'is not a known field and is not allowed' },
      { pointer: '/prototype', detail: 'is not a known field and is not allowed' },
    ]);
    expect(forbiddenQueryParameters('email=a%40b.c&q=constructor')).toEqual([]);
  });
});
