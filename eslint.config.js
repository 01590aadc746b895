import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

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
  {
    files: ['src/core/**', 'src/shared/**', 'src/observer/**', 'src/cli/**', 'src/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'Only src/main and src/preload may import electron.' }] },
      ],
    },
  },
  {
    files: ['src/renderer/**', 'src/observer/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
