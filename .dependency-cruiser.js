/**
 * Architecture rules, checked by `npm run lint:architecture` (part of `npm test`):
 * the domain stays free of frameworks, libs are reached only through their public index, and libs never
 * depend on apps. test/fixtures/architecture holds a deliberate violation that the spec checks is caught.
 */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-framework-free',
      severity: 'error',
      comment:
        'The domain has no framework imports: no @nestjs/*, typeorm, class-validator, class-transformer, rxjs, database drivers.',
      from: { path: '(^|/)libs/[^/]+/src/domain/' },
      to: {
        path: 'node_modules/(@nestjs|typeorm|class-validator|class-transformer|rxjs|mysql2|better-sqlite3|amqplib|nestjs-cls|@nestjs-cls)',
      },
    },
    {
      name: 'domain-depends-on-nothing-outside-it',
      severity: 'error',
      comment: 'The domain may import only itself: not the application, infrastructure, other libs or apps.',
      from: { path: '(^|/)libs/([^/]+)/src/domain/' },
      to: { path: '^(apps/|libs/)', pathNot: '(^|/)libs/$2/src/domain/' },
    },
    {
      name: 'libs-do-not-depend-on-apps',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^apps/' },
    },
    {
      name: 'apps-use-lib-entry-points',
      severity: 'error',
      comment: 'An app reaches a lib only through @customerflow/<lib> (its src/index.ts).',
      from: { path: '^apps/' },
      to: { path: '^libs/[^/]+/src/.+', pathNot: ['^libs/[^/]+/src/index\\.ts$', '^libs/contracts/asyncapi\\.json$'] },
    },
    {
      name: 'libs-use-other-libs-entry-points',
      severity: 'error',
      comment: 'A lib reaches another lib only through @customerflow/<lib> (its src/index.ts).',
      from: { path: '^libs/([^/]+)/' },
      to: { path: '^libs/[^/]+/src/.+', pathNot: ['^libs/$1/', '^libs/[^/]+/src/index\\.ts$'] },
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
    exclude: { path: '(^|/)dist/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
