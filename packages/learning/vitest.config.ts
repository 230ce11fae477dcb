import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    name: 'learning',
    include: ['test/**/*.test.ts'],
    benchmark: { include: ['bench/**/*.bench.ts'] },
  },
});
