import { defineConfig } from 'vitest/config';

// One workspace config: `pnpm coverage` at the root runs every package's tests with v8 coverage.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    coverage: { provider: 'v8', include: ['packages/*/src/**', 'apps/*/src/**'], reporter: ['text-summary', 'html'] },
  },
});
