import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [
      '.next/**',
      'node_modules/**',
      '.venv/**',
      '.venv-mlflow/**',
      'lib/server/db/generated/**',
      'data/**',
      'training/**',
      'test-results/**',
      'playwright-report/**',
      'next-env.d.ts',
      'bench/results/**',
      'tmp/**',
    ],
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Only lib/server/env.ts reads the environment (DESIGN.md); scripts, tests and configs are exempt below.
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read settings through env() in lib/server/env.ts.' },
      ],
    },
  },
  {
    files: [
      'lib/server/env.ts',
      'scripts/**',
      'tests/**',
      'e2e/**',
      'bench/**',
      'prisma/**',
      '*.config.*',
      'instrumentation.ts',
      'lib/server/db/provider.ts',
      '**/*.test.ts',
    ],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // components/viewer owns NiiVue (creation, loading, swaps, disposal, WebGL context loss): nothing else imports it.
    ignores: ['components/viewer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@niivue/*'], message: 'Use components/viewer (useNiivue, MaskViewer): it is the only NiiVue importer.' }] },
      ],
    },
  },
  {
    // Test helpers named use*() are vitest lifecycle helpers, not React hooks.
    files: ['tests/**', 'e2e/**', '**/*.test.ts'],
    rules: { 'react-hooks/rules-of-hooks': 'off' },
  },
];

export default config;
