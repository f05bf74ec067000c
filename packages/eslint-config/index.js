// Flat ESLint config shared by every package: type-checked typescript-eslint rules (floating and
// misused promises, exhaustive switches, type-only imports), import hygiene, node: protocol, and
// the layering rules of STYLE.md §4.3. Formatting is Prettier's job (eslint-config-prettier).
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import { importX } from 'eslint-plugin-import-x';
import n from 'eslint-plugin-n';
import tseslint from 'typescript-eslint';

const layering = {
  domain: ['@nestjs/*', 'typeorm', 'pino', 'pg', 'better-sqlite3', 'node:*', 'fs', 'child_process', 'http'],
  adapter: ['@nestjs/*'],
};

/**
 * @param {{ tsconfigRootDir: string, layer?: 'domain' | 'adapter' | 'app' }} options
 */
export function createEslintConfig({ tsconfigRootDir, layer = 'adapter' }) {
  const banned = layer === 'app' ? [] : layering[layer];
  return tseslint.config(
    { ignores: ['dist/**', 'reports/**', 'coverage/**'] },
    js.configs.recommended,
    ...tseslint.configs.strictTypeChecked,
    ...tseslint.configs.stylisticTypeChecked,
    {
      languageOptions: {
        parserOptions: { project: './tsconfig.test.json', tsconfigRootDir },
      },
      plugins: { 'import-x': importX, n },
      rules: {
        '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
        '@typescript-eslint/switch-exhaustiveness-check': 'error',
        '@typescript-eslint/no-floating-promises': 'error',
        '@typescript-eslint/no-misused-promises': 'error',
        '@typescript-eslint/restrict-template-expressions': [
          'error',
          { allowNumber: true, allowBoolean: true },
        ],
        '@typescript-eslint/no-extraneous-class': 'off',
        '@typescript-eslint/unbound-method': 'off',
        // Nest and TypeORM declare their option bags as classes but document plain literals.
        '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
        'import-x/no-extraneous-dependencies': 'error',
        'import-x/no-duplicates': 'error',
        'import-x/first': 'error',
        'import-x/order': [
          'error',
          {
            groups: ['builtin', 'external', 'internal', 'parent', 'sibling', 'index'],
            'newlines-between': 'always',
            alphabetize: { order: 'asc' },
          },
        ],
        'n/prefer-node-protocol': 'error',
        'no-restricted-imports': banned.length
          ? [
              'error',
              { patterns: [{ group: banned, message: `not allowed in the ${layer} layer (STYLE.md §4.3)` }] },
            ]
          : 'off',
      },
    },
    {
      files: ['**/*.test.ts', 'test/**/*.ts'],
      rules: {
        'no-restricted-imports': 'off',
        '@typescript-eslint/no-non-null-assertion': 'off',
      },
    },
    // Plain JS files (configs, Jest global setup, fixtures) are outside the TS projects.
    { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
    {
      files: ['**/*.js', '**/*.mjs'],
      languageOptions: {
        globals: Object.fromEntries(
          ['process', 'console', 'URL', 'setTimeout', 'clearTimeout', 'Buffer', 'globalThis'].map((g) => [
            g,
            'readonly',
          ]),
        ),
      },
    },
    prettier,
  );
}
