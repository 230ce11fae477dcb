// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/coverage/**', '**/.turbo/**', '**/*.config.ts', '**/*.mjs', '**/*.cjs', '**/fixtures/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // Root-level shared files belong to no package's tsconfig; the default project lints them.
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['test-services.ts', 'tsup.base.ts'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Tests and benches poke at internals and use loose fixtures; keep the type-aware safety rules for src.
    files: ['**/test/**', '**/bench/**', 'examples/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-floating-promises': 'off',
    },
  },
  {
    files: ['packages/learning/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@autodev/performance', '@autodev/performance/*'] }] },
  },
  {
    files: ['packages/performance/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['@autodev/learning', '@autodev/learning/*'] }] },
  },
);
