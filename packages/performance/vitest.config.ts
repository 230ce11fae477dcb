import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Type tests: `timed`/`cached` must keep the wrapped signature.
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    benchmark: { include: ['bench/**/*.bench.ts'] },
    testTimeout: 30_000,
  },
});
