// ESLint, configured once for the whole tree. TypeScript is linted with type information (typescript-eslint's project
// service reads the nearest tsconfig.json), so promise mistakes such as a floating promise or an async callback where
// a void one is expected are found before they become unhandled rejections. Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // libs/contracts/dist is the subscribers' package as `npm pack` builds it.
  { ignores: ['node_modules/', 'dist/', '**/dist/', 'dist-bench/', 'coverage/', 'data/'] },
  {
    files: ['**/*.{js,cjs,mjs}'],
    extends: [js.configs.recommended],
    languageOptions: { globals: { ...globals.node } },
  },
  {
    files: ['**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // `import x = require('x')` is how TypeScript imports a CommonJS `export =` module (autocannon); a bare
      // require() stays forbidden.
      '@typescript-eslint/no-require-imports': ['error', { allowAsImport: true }],
      // `const { id, ...rest } = row` is how a property is left out of a copy; `id` is then unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    // Test code reads HTTP bodies (supertest's `body`), JSON.parse results and broker payloads, which are `any` by
    // design: the test's `expect` is the check on their shape, so the no-unsafe-* family would only ask for casts that
    // prove nothing; `any` in a test's own helper types says the same. Production code keeps these rules.
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.int-spec.ts', '**/*.fault-spec.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
);
