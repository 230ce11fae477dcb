// @autodev/storage-postgres: the shared store for a team. Many CI runners on many machines append into
// one PostgreSQL database at the same time; every record lands exactly once and queries see them all.
// Finds PostgreSQL via DATABASE_URL, else postgres://postgres@127.0.0.1:5432/test.
import assert from 'node:assert/strict';
import pg from 'pg';
import { isLearningError, validateRecord } from '@autodev/learning';
import { openPostgresStore, openStore } from '@autodev/storage-postgres';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `autodev_example_${process.pid}`;

// Three "runners", each with its own connection pool, as three CI machines would have.
let runners;
try {
  runners = await Promise.all(['ci-1', 'ci-2', 'ci-3'].map(() => openPostgresStore({ connectionString: url, schema })));
} catch (e) {
  // CI (AUTODEV_REQUIRE_SERVICES=1) starts PostgreSQL: there a missing one is a failure, not a skip.
  const refused = isLearningError(e) && e.code === 'STORE_IO' && (e.cause as { code?: string } | undefined)?.code === 'ECONNREFUSED';
  if (refused && process.env.AUTODEV_REQUIRE_SERVICES !== '1') {
    console.log(`skipped: no PostgreSQL at ${url} (set DATABASE_URL)`);
    process.exit(0);
  }
  throw e;
}
try {
  const t0 = Date.parse('2026-01-05T09:00:00Z');
  await Promise.all(
    runners.map((store, r) =>
      Promise.all(
        Array.from({ length: 10 }, (_, build) =>
          store.append([
            validateRecord({ name: 'build_time', value: 200 + r * 10 + build, timestamp: t0 + build * 60_000, metadata: { runner: `ci-${r + 1}`, build } }),
          ]),
        ),
      ),
    ),
  );

  // Any runner (or a dashboard) reads everything, from a URL as the CLI does.
  const reader = await openStore(`${url}${url.includes('?') ? '&' : '?'}schema=${schema}`);
  const all = await reader.query({ name: 'build_time' });
  console.log('build_time records from 3 runners:', all.length);
  assert.equal(all.length, 30);

  const ci2 = await reader.query({ name: 'build_time', where: { runner: 'ci-2' }, order: 'desc', limit: 3 });
  console.log('latest 3 on ci-2:', ci2.map((r) => r.value));
  assert.deepEqual(ci2.map((r) => r.value), [219, 218, 217]);
  assert.deepEqual(await reader.names(), ['build_time']);
  await reader.close();
} finally {
  await Promise.all(runners.map((s) => s.close()));
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.end();
}
