import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'learning',
    include: ['test/**/*.test.ts'],
    // The CI machine is a shared 2-core VM: generous timeouts, no timing assertions anywhere.
    testTimeout: 30_000,
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
