// Layering by process (as VS Code does): each layer may import only what its process can run.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX, { createNodeResolver } from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = { group: ['node:*'], message: 'shared and renderer code runs outside Node.' };
const electron = {
  group: ['electron'],
  message: 'only src/main/electron and src/preload may import electron.',
};
const mainLayer = {
  group: ['**/main/**', '**/main'],
  message: 'the main process is reached through the IPC contract.',
};
const rendererLayer = { group: ['**/renderer/**'], message: 'renderer code is not shared.' };
const cliLayer = { group: ['**/cli/**'], message: 'the CLI is a leaf.' };

export default tseslint.config(
  {
    ignores: [
      'dist',
      'release',
      'node_modules',
      'models',
      'samples',
      'test/fixtures',
      '**/*.cjs',
      'tools/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js'] })] },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-cycle': 'error',
    },
  },
  {
    files: ['scripts/**/*.mjs', '*.config.*'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [nodeBuiltins, electron, mainLayer, rendererLayer, cliLayer] },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [nodeBuiltins, electron, mainLayer, cliLayer] }],
    },
  },
  {
    files: ['src/main/**'],
    ignores: ['src/main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron, rendererLayer, cliLayer] }] },
  },
  {
    files: ['src/main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [rendererLayer, cliLayer] }] },
  },
  {
    files: ['src/preload/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [mainLayer, rendererLayer, cliLayer] }] },
  },
  {
    files: ['src/cli/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [electron, rendererLayer] }] },
  },
);
