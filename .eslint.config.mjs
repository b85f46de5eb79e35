// ESLint for the whole tree (`npm run lint`): typescript-eslint's type-aware recommended rules, Prettier for layout.
// A hidden file, passed with --config, so that the top level keeps to the few files README's tour names.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['dist/**', 'src/browser-client/dist/**', 'src/console/web/dist/**', 'src/generated/**', 'coverage/**', 'data/**', '**/*.mjs'],
  },
  {
    files: ['src/**/*.ts', 'src/**/*.tsx', 'test/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommendedTypeChecked, prettier],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './test/tsconfig.json', './src/console/web/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // Implementations of a Promise-returning contract that happen to be synchronous (Twilio signs locally) stay
      // `async`: that is what turns their throws into rejections.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Each errors file adds its codes to one interface by declaration merging (`interface ErrorCodes extends …`).
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // The environment is read in config/ and by each entry point, once, and passed down from there.
    files: ['src/**/*.ts'],
    ignores: [
      'src/config/**',
      'src/main.ts',
      'src/tracing/start-tracing.ts',
      'src/cli/callpass.ts',
      'src/sandbox/main.ts',
      'src/sandbox/emulators-main.ts',
      'src/audit-streaming/delivery-thread/delivery-thread.ts',
      'src/**/*.spec.ts',
      'src/**/*.e2e-spec.ts',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Take the setting from AppConfig, or from what the entry point read and passed down.',
        },
      ],
    },
  },
  {
    // Tests assert on HTTP bodies, which supertest and fetch type as `any`, and on Jest's asymmetric matchers
    // (`expect.objectContaining` is `any` too): the unsafe-any rules would only demand casts that prove nothing.
    files: ['test/**/*.ts', 'src/**/*.spec.ts', 'src/**/*.e2e-spec.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
);
