// ESLint for the console's Angular projects (the app and libs/console/*): Angular rules on top of the workspace config.
import nx from '@nx/eslint-plugin';
import baseConfig from './eslint.config.mjs';

export default [
  ...nx.configs['flat/angular'],
  ...nx.configs['flat/angular-template'],
  ...baseConfig,
  {
    files: ['**/*.ts'],
    rules: {
      '@angular-eslint/directive-selector': [
        'error',
        {
          type: 'attribute',
          prefix: 'ac',
          style: 'camelCase',
        },
      ],
      '@angular-eslint/component-selector': [
        'error',
        {
          type: 'element',
          prefix: 'ac',
          style: 'kebab-case',
        },
      ],
    },
  },
  {
    // The main entry's zod schemas would ride along into a page's chunk (482 KB raw on the clients list): the
    // console takes types from it, and values from its zod-free entry points.
    files: ['**/*.ts'],
    ignores: ['**/*.spec.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@agent-controller/shared-contracts',
              allowTypeImports: true,
              message: 'Import values from @agent-controller/shared-contracts/rules or /api-paths (no zod).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.html'],
    // Override or add rules here
    rules: {},
  },
];
