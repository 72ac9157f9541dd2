// Flat ESLint config: typescript-eslint on strict settings plus a local
// rule that rejects shortcut marks without an issue number (STYLE.md #12).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const kMarkRe = /\b(TODO|FIXME|XXX|HACK)\b(?!\(#\d+\))/;

const housePlugin = {
  rules: {
    'todo-needs-issue': {
      meta: {
        type: 'problem',
        messages: { bare: 'Mark shortcomings as TODO(#N) with an issue.' },
        schema: [],
      },
      create(context) {
        return {
          Program() {
            for (const c of context.sourceCode.getAllComments()) {
              if (kMarkRe.test(c.value)) {
                context.report({ loc: c.loc, messageId: 'bare' });
              }
            }
          },
        };
      },
    },
  },
};

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.tap/', 'models/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { house: housePlugin },
    languageOptions: {
      globals: {
        process: 'readonly',
        console: 'readonly',
        URL: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
      },
    },
    rules: {
      'house/todo-needs-issue': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-console': 'error' },
  },
);
