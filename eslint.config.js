// `npm run lint`: ESLint (typescript-eslint's recommended rules) and `tsc --noEmit`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'src/config/generated/**', 'bench/.tmp*/**', 'demos/**/.procblock/**', 'test/fixtures/**/syntax-*'] }, // syntax-*: deliberately broken scripts
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly',
        clearInterval: 'readonly', setImmediate: 'readonly', clearImmediate: 'readonly', performance: 'readonly', URL: 'readonly',
        Buffer: 'readonly', structuredClone: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', queueMicrotask: 'readonly',
        BroadcastChannel: 'readonly', MessageChannel: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    // dropSTAR's page client and the demos' page scripts run in browsers.
    files: ['src/web/assets/**/*.js', 'demos/*/static/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: {
        document: 'readonly', window: 'readonly', location: 'readonly', fetch: 'readonly', EventSource: 'readonly',
        FormData: 'readonly', CustomEvent: 'readonly', URL: 'readonly', console: 'readonly', setInterval: 'readonly',
        URLSearchParams: 'readonly', history: 'readonly', CSS: 'readonly',
      },
    },
  },
  {
    // The CLI's entry is CommonJS (bin/package.json): see bin/procblock.js.
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Fixtures are deliberately odd scripts (infinite loops, exits, syntax errors).
    files: ['test/fixtures/**'],
    rules: { 'no-empty': 'off', '@typescript-eslint/no-unused-vars': 'off', 'no-unreachable': 'off' },
  },
);
