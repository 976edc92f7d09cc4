// Lint rules, including the layer rule of ../shared/DESIGN.md: imports flow downward only
// (transports -> wiring -> adapters -> core). `npm run cycles` checks import cycles.
const js = require('@eslint/js');
const tseslint = require('typescript-eslint');

const layer = (files, forbidden, message) => ({
  files,
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: forbidden.map((dir) => ({ group: [`**/${dir}/**`, `**/${dir}`], message })) },
    ],
  },
});

module.exports = tseslint.config(
  { ignores: ['node_modules/**', 'data/**', '.test-data/**', 'infra/cdk.out/**', 'core/generated/**', '.services/**', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/adapters/**', '**/wiring/**', '**/rest/**', '**/resolvers/**', '**/local/**', '**/tools/**', '**/infra/**'], message: 'core/ imports nothing above it (DESIGN.md: layers).' },
            { group: ['@aws-sdk/*', 'aws-jwt-verify/*', '@opensearch-project/*', 'graphql/*'], message: 'core/ has no AWS SDK, no HTTP framework, no graphql import.' },
          ],
          // Exact module names (a pattern like 'http' would also match core's own ./http folder).
          paths: ['aws-jwt-verify', 'better-sqlite3', 'graphql', 'ws', 'http', 'node:http', 'https', 'node:https', 'express', 'fastify'].map((name) => ({
            name,
            message: 'core/ has no AWS SDK, no HTTP framework, no graphql import.',
          })),
        },
      ],
    },
  },
  layer(['adapters/**/*.ts'], ['wiring', 'rest', 'resolvers', 'local', 'tools', 'infra'],
    'adapters/ import only core/ (DESIGN.md: layers).'),
  layer(['wiring/**/*.ts'], ['rest', 'resolvers', 'local', 'tools', 'infra'],
    'wiring/ imports adapters/ and core/ only (DESIGN.md: layers).'),
);
