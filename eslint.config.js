// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.lab/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: "Property[key.name='shell'][value.value=true]", message: 'Never run a shell: pass argv arrays to execa.' },
        { selector: "TSAsExpression > TSAsExpression[typeAnnotation.type='TSUnknownKeyword']", message: 'No `as unknown as` casts.' },
      ],
      'no-restricted-imports': ['error', { paths: [
        { name: 'child_process', message: 'Use execa with argv arrays.' },
        { name: 'node:child_process', message: 'Use execa with argv arrays.' },
      ] }],
    },
  },
  {
    // plain JavaScript helpers (fake executables, worker entry points) run under Node
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
  {
    // the pure core: no I/O, no clock, no adapters
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'http', 'https'], message: 'core/ is pure: no Node I/O.' },
        { group: ['**/adapters/**', '**/services/**', '**/ports*', 'execa', '@slack/*', 'better-sqlite3', 'bottleneck', 'pino'], message: 'core/ imports nothing outside itself (except zod).' },
      ] }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'core/ takes `now` as a parameter.' }],
      'no-restricted-globals': ['error', { name: 'fetch', message: 'core/ does no I/O.' }, { name: 'process', message: 'core/ does not read the environment.' }],
    },
  },
);
