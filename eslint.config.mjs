// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** Libraries are reached through their @samenloop/<lib> alias, never by a deep relative path. */
const throughAlias = {
  group: ['**/libs/*', '**/libs/*/**'],
  message: 'Import libs through @samenloop/<lib>.',
};
const notAppsOrTests = {
  group: ['**/apps/**', '**/test/**', '@samenloop/*/testing'],
  message: 'Libraries never import apps or test code: move what both need into a lib.',
};
/** contracts and errors sit under every other lib, so they import none of ours. */
const nothingOfOurs = {
  group: ['@samenloop/*'],
  message: 'This lib imports nothing of ours: every other lib imports it.',
};
const noKafka = {
  group: ['kafkajs', 'kafkajs/**', '@samenloop/messaging', '@nestjs/microservices'],
  message:
    'This lib knows nothing of Kafka: take plain values, and leave Kafka to @samenloop/messaging and the apps.',
};

/** One `no-restricted-imports` per file set: a later config replaces the rule, so each lists all it needs. */
const restrictImports = (...patterns) => ({
  'no-restricted-imports': ['error', { patterns: [throughAlias, ...patterns] }],
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'deploy/kafka/.work/**',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      ...restrictImports(),
    },
  },
  // The boundaries between libs, enforced rather than hoped for (CONVENTIONS.md, "Layout").
  { files: ['libs/**/*.ts'], rules: restrictImports(notAppsOrTests) },
  {
    files: ['libs/contracts/**/*.ts', 'libs/errors/**/*.ts'],
    rules: restrictImports(notAppsOrTests, nothingOfOurs),
  },
  {
    files: [
      'libs/policy/**/*.ts',
      'libs/case/**/*.ts',
      'libs/crypto/**/*.ts',
      'libs/partners/**/*.ts',
      'libs/partner-side/**/*.ts',
      'libs/corv/**/*.ts',
    ],
    rules: restrictImports(notAppsOrTests, noKafka),
  },
);
