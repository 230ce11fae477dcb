import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'storage-file',
    include: ['test/**/*.test.ts'],
    // Builds src once into a plain .mjs bundle that the crash and concurrency tests' child processes load.
    globalSetup: ['./test/global-setup.ts'],
    benchmark: { include: ['bench/**/*.bench.ts'] },
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
