/**
 * Architecture rules, checked by `npm run lint:architecture` (part of `npm test`) on `libs apps`. Each rule has a
 * fixture in test/architecture/fixtures/<rule name>/ that breaks it, and test/architecture/architecture.spec.ts sees
 * each one fail there (and the real tree pass). A fixture mirrors the repository's layout below its own folder, so
 * every path here is matched from the repository root or from a fixture's root.
 */
const ROOT = '(?:^|^test/architecture/fixtures/[^/]+/)';

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-only-itself',
      severity: 'error',
      comment:
        'The domain may import only its own folder and node: built-ins: no npm package (framework or not), no other ' +
        'layer, lib or app. Its specs are tests, not the domain, and may use the test tools (fast-check).',
      from: { path: `${ROOT}libs/([^/]+)/src/domain/`, pathNot: '\\.spec\\.ts$' },
      to: { pathNot: `${ROOT}libs/$1/src/domain/`, dependencyTypesNot: ['core'] },
    },
    {
      name: 'application-does-not-import-infrastructure',
      severity: 'error',
      comment: 'The application layer speaks to adapters through ports (the domain, platform); never to an adapter.',
      from: { path: `${ROOT}libs/[^/]+/src/application/` },
      to: { path: `${ROOT}libs/[^/]+/src/infrastructure/` },
    },
    {
      name: 'outbox-knows-no-customer',
      severity: 'error',
      comment:
        "The outbox relays any aggregate's events: it imports neither the customers lib nor anything named customer.",
      from: { path: `${ROOT}libs/outbox/` },
      // Looked for below the fixture's root, whose folder is named after this rule.
      to: { path: ['^(?!test/architecture/)[^]*[Cc]ustomer', '^test/architecture/fixtures/[^/]+/[^]*[Cc]ustomer'] },
    },
    {
      name: 'libs-do-not-depend-on-apps',
      severity: 'error',
      from: { path: `${ROOT}libs/` },
      to: { path: `${ROOT}apps/` },
    },
    {
      name: 'apps-use-lib-entry-points',
      severity: 'error',
      comment: 'An app reaches a lib only through @customerflow/<lib> (its src/index.ts).',
      from: { path: `${ROOT}apps/` },
      to: {
        path: `${ROOT}libs/[^/]+/src/.+`,
        pathNot: [`${ROOT}libs/[^/]+/src/index\\.ts$`, `${ROOT}libs/contracts/asyncapi\\.json$`],
      },
    },
    {
      name: 'libs-use-other-libs-entry-points',
      severity: 'error',
      comment:
        'A lib reaches another lib only through @customerflow/<lib> (its src/index.ts); the platform reads the ' +
        "outbox's options from libs/outbox/src/outbox-options.ts, a file that imports nothing (the index would be a cycle).",
      from: { path: `${ROOT}libs/([^/]+)/` },
      to: {
        path: `${ROOT}libs/[^/]+/src/.+`,
        pathNot: [
          `${ROOT}libs/$1/`,
          `${ROOT}libs/[^/]+/src/index\\.ts$`,
          `${ROOT}libs/outbox/src/outbox-options\\.ts$`,
        ],
      },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Only our own build output: an excluded module takes its edges with it, and most npm packages live in a dist/.
    exclude: { path: '^(?:dist|libs/[^/]+/dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
