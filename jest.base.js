// Shared jest settings. NestJS 12 ships ESM only: @swc/jest transforms node_modules/@nestjs
// to CommonJS so Jest's CJS runtime can load them on Node 20.
const swcTs = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};
const swcJs = { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2023' }, module: { type: 'commonjs' } };

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: { '^.+\\.ts$': ['@swc/jest', swcTs], '^.+\\.m?js$': ['@swc/jest', swcJs] },
  // content-disposition is ESM-only too (under @fastify/static, which serves Swagger UI's assets); the pattern looks at
  // the innermost node_modules of a path, so nested copies are transformed as well.
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs|content-disposition|jose)/)(?!.*/node_modules/)'],
  moduleNameMapper: {
    '^@customerflow/contracts/testing$': '<rootDir>/libs/contracts/src/testing',
    '^@customerflow/(.*)$': '<rootDir>/libs/$1/src',
  },
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
