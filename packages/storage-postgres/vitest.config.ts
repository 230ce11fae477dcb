import { defineConfig } from 'vitest/config';

// A package-local config so `pnpm vitest run` here runs this package only (the root config lists projects).
export default defineConfig({
  test: { name: '@autodev/storage-postgres', include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
