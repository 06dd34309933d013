/**
 * `npm run lint` (a step of `npm test`): the layers of ../shared/DESIGN.md ("Layout") as import rules. core/ is
 * pure TypeScript that runs in the worker, in Node and in the page; ui/ reaches the worker only through
 * worker/client.ts; a file format never reaches into the engine that drives it; test helpers stay in tests.
 * Patterns are gitignore-style and match the import as written (Graft imports by relative path).
 * TypeScript is parsed with Babel: typescript-eslint needs the TypeScript API, which TypeScript 7 no longer has.
 */
import babelParser from '@babel/eslint-parser';

// Tests, test helpers, and the matcher's scenario suite (test tooling, run by its test and by `npm run bench`; its
// modules would better be named *.test-util.ts).
const TESTS = ['**/*.test.ts', '**/*.test.tsx', '**/*.test-util.ts', 'src/core/mapping/match/suite/**'];

/** What each layer may not import, and the sentence the error gives. */
const RULES = {
  coreIsPure: {
    group: ['**/worker', '**/worker/**', '**/state', '**/state/**', '**/ui', '**/ui/**', '**/cli', '**/cli/**'],
    message: 'core/ never imports the worker, the store, the components or the CLI (DESIGN.md, Layout).',
  },
  uiPackages: {
    group: ['react', 'react/**', 'react-dom', 'react-dom/**', 'zustand', 'zustand/**', 'zundo', '@xyflow/**', 'comlink', 'idb-keyval'],
    message: 'core/ has no React, React Flow, zustand, comlink or IndexedDB: it runs in the worker and in Node too.',
  },
  noNode: {
    group: ['node:*', 'fs', 'fs/*', 'path', 'os', 'crypto', 'zlib', 'child_process', 'url', 'util', 'stream', 'buffer', 'worker_threads'],
    message: 'core/ runs in the browser: Node built-ins belong in its tests and test helpers, or in cli/.',
  },
  formatsNotEngine: {
    group: ['**/engine', '**/engine/**'],
    message: 'A format reads and writes files; the engine drives the writers, never the other way round (writer contracts: core/io/output.ts).',
  },
  uiThroughClient: {
    group: ['**/worker/*', '!**/worker/client', '!**/worker/client.ts'],
    message: 'ui/ talks to the worker only through worker/client.ts (DESIGN.md, Layout).',
  },
  testHelpers: {
    group: ['**/*.test-util', '**/*.test-util.ts'],
    message: '*.test-util.ts helpers (Node only, fixtures from disk) are for tests.',
  },
};

/** The test files under `dir`. */
const testsIn = (dir) => TESTS.flatMap((t) => (!t.startsWith('src/') ? [`${dir}/${t}`] : t.startsWith(`${dir}/`) ? [t] : []));

/** One block per group of files: ESLint keeps one `no-restricted-imports` per file, so each block lists all its rules. */
const layer = (files, ignores, rules) => ({
  files,
  ignores,
  rules: { 'no-restricted-imports': ['error', { patterns: rules.map((r) => RULES[r]) }] },
});

export default [
  { ignores: ['**/testdata/**'] },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: babelParser,
      parserOptions: {
        requireConfigFile: false,
        babelOptions: { babelrc: false, configFile: false, presets: [['@babel/preset-typescript', { allowDeclareFields: true }]] },
      },
    },
  },
  // The one lint rule besides the layers: a control character in a regex is nearly always a mistake (one
  // deliberate use says so where it is).
  { files: ['src/**'], rules: { 'no-control-regex': 'error' } },
  layer(['src/core/formats/**'], TESTS, ['coreIsPure', 'uiPackages', 'noNode', 'formatsNotEngine', 'testHelpers']),
  layer(testsIn('src/core/formats'), [], ['coreIsPure', 'uiPackages', 'formatsNotEngine']),
  layer(['src/core/**'], ['src/core/formats/**', ...TESTS], ['coreIsPure', 'uiPackages', 'noNode', 'testHelpers']),
  layer(testsIn('src/core'), ['src/core/formats/**'], ['coreIsPure', 'uiPackages']),
  layer(['src/ui/**'], TESTS, ['uiThroughClient', 'testHelpers']),
  layer(testsIn('src/ui'), [], ['uiThroughClient']),
  layer(['src/**'], ['src/core/**', 'src/ui/**', ...TESTS], ['testHelpers']),
];
