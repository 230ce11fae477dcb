import { defineConfig } from 'vitest/config';
import { postgresAddress, postgresReachable, runWith } from '../../test-services.js';

// A package-local config so `pnpm vitest run` here runs this package only (the root config lists projects).
// Every test here needs PostgreSQL: without one (and without AUTODEV_REQUIRE_SERVICES=1) none runs, with a warning.
export default defineConfig(async () => {
  const { host, port } = postgresAddress();
  const run = runWith(`PostgreSQL at ${host}:${port}`, await postgresReachable(), 'Start one (trust auth, database test) or point PGHOST/PGPORT/PGUSER/PGDATABASE or DATABASE_URL at one.');
  return {
    test: {
      name: '@autodev/storage-postgres',
      include: run ? ['test/**/*.test.ts'] : [],
      passWithNoTests: !run,
      testTimeout: 30_000,
    },
  };
});
