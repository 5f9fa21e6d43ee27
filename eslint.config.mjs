import { defineConfig, globalIgnores } from 'eslint/config';
import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';
import pluginQuery from '@tanstack/eslint-plugin-query';

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  ...pluginQuery.configs['flat/recommended'],
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Import cycles through models and barrels were what hurt Headlamp (STYLE.md): none here.
      'import/no-cycle': ['error', { ignoreExternal: true }],
      // lib/ must not depend on the UI layers (STYLE.md: the tree tells the architecture).
      'no-restricted-imports': ['error', { patterns: [] }],
    },
  },
  {
    files: ['lib/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@/components/*', '@/app/*', 'react', 'react-dom'], message: 'lib/ never imports the UI (components/, app/, React).' }] },
      ],
    },
  },
  {
    files: ['lib/domain/**', 'lib/tokens/**', 'lib/traces/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'http', 'https', 'child_process'], message: 'Pure modules: no Node I/O (they run in the browser too).' },
            { group: ['@/lib/sources/*', '@/lib/server/*', '@/lib/config', '@/components/*', '@/app/*', 'react'], message: 'Pure modules take data and return data.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', { name: 'process', message: 'Pure modules do not read the environment; lib/config.ts does.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'Time is a parameter in pure modules.' }],
    },
  },
  globalIgnores(['.next/**', 'node_modules/**', 'next-env.d.ts', 'tests/.artifacts/**']),
]);
