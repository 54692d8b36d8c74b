// Lint for every package: typescript-eslint's recommended rules on top of ESLint's, and a ban on
// focused tests (`.only` makes CI run a subset without saying so).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.vm-cache/**', 'docs-site/**', 'bench/out/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setImmediate: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': [
        'error',
        { object: 'it', property: 'only', message: 'No focused tests: CI would run a subset.' },
        { object: 'describe', property: 'only', message: 'No focused tests: CI would run a subset.' },
        { object: 'test', property: 'only', message: 'No focused tests: CI would run a subset.' },
      ],
    },
  },
);
