import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layers from './eslint/layers.js';

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      '.bench/**',
      'test/fixtures/**',
      'coverage/**',
      'src/core/wasm/scan.ts',
      'src/core/wasm/*.generated.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-control-regex': 'off',
    },
  },
  // Each folder of src/ imports only what its layer allows (eslint/layers.js); tests too.
  {
    files: ['src/**'],
    plugins: { deadair: layers },
    rules: { 'deadair/layers': 'error' },
  },
  {
    files: ['src/renderer/**', 'src/observer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
