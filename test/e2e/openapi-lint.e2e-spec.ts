/**
 * The OpenAPI document as a tool reads it: Spectral's `spectral:oas` ruleset (the one most API gateways and client
 * generators' linters start from) must find nothing, not even a warning, in /docs-json. Generated clients name their
 * methods after operationIds, so those are checked to be the use cases' names.
 */
import { Document, Spectral } from '@stoplight/spectral-core';
import { Json } from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let document: any;

beforeAll(async () => {
  t = await startTestApp();
  document = (await t.http().get('/docs-json')).body;
});
afterAll(async () => {
  await t.close();
});

it('passes spectral:oas with no error, warning, information or hint', async () => {
  const spectral = new Spectral();
  spectral.setRuleset({ extends: [[oas as any, 'recommended']] });
  const results = await spectral.run(new Document(JSON.stringify(document, null, 2), Json, '/docs-json'));
  expect(results.map((r) => `${r.code} at ${r.path.join('.')}: ${r.message}`)).toEqual([]);
});

it('names each operation the way a generated client calls it', () => {
  const operationIds = Object.values(document.paths as Record<string, Record<string, { operationId: string }>>)
    .flatMap((path) => Object.values(path).map((operation) => operation.operationId))
    .sort();
  expect(operationIds).toEqual(
    [
      'deactivateCustomer',
      'eraseCustomer',
      'getAsyncApiDocument',
      'getCustomer',
      'getMetrics',
      'getOutboxStats',
      'listCustomers',
      'listDeadLetters',
      'probeLiveness',
      'probeReadiness',
      'reactivateCustomer',
      'registerCustomer',
      'requeueDeadLetter',
      'updateCustomer',
    ].sort(),
  );
});

it('says where the API is served and what each tag groups', () => {
  expect(document.servers).toEqual([
    expect.objectContaining({ url: expect.any(String), description: expect.any(String) }),
  ]);
  const tags = new Set(
    Object.values(document.paths as Record<string, Record<string, { tags: string[] }>>).flatMap((path) =>
      Object.values(path).flatMap((operation) => operation.tags),
    ),
  );
  expect(document.tags.map((tag: { name: string }) => tag.name).sort()).toEqual([...tags].sort());
  for (const tag of document.tags) expect(tag.description).toEqual(expect.any(String));
});
