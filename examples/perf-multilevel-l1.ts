// The guide's "Multi-Level Caching": an in-memory L1 (SimpleCache) in front of a slower L2.
// In production the L2 is RedisCacheStore({ client: new Redis(url) }); first an async Map stands in for it,
// so the example runs anywhere, then the same with a real Redis when one is reachable at REDIS_URL
// (default redis://127.0.0.1:6379; skipped with a note otherwise).
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { RedisCacheStore, SimpleCache, TieredCache, type CacheStore } from '@autodev/performance';

// L1: in-memory cache.
const l1Cache = new SimpleCache<string, string>(100);

// L2: a persistent cache (e.g. Redis) — anything with async get/set/delete.
const remote = new Map<string, string>();
const l2Cache: CacheStore<string> = {
  get: async (key) => remote.get(key),
  set: async (key, value) => void remote.set(key, value),
  delete: async (key) => void remote.delete(key),
};

let sourceFetches = 0;
async function fetchFromSource(key: string): Promise<string> {
  sourceFetches++;
  await new Promise((resolve) => setTimeout(resolve, 5));
  return `value-of-${key}`;
}

// The guide's get_data(key), as a TieredCache: try L1, then L2 (copying a hit into L1), then the source.
const cache = new TieredCache<string>([l1Cache, l2Cache]);
const getData = (key: string): Promise<string> => cache.getOrLoad(key, fetchFromSource);

assert.equal(await getData('a'), 'value-of-a'); // source → L1 + L2
assert.equal(sourceFetches, 1);
assert.equal(l1Cache.get('a'), 'value-of-a');
assert.equal(remote.get('a'), 'value-of-a');

assert.equal(await getData('a'), 'value-of-a'); // L1 hit
l1Cache.clear(); // e.g. a process restart: L1 is empty, L2 survives
assert.equal(await getData('a'), 'value-of-a'); // L2 hit, copied back into L1
assert.equal(l1Cache.get('a'), 'value-of-a');
assert.equal(sourceFetches, 1, 'the source was read once');

// Ten concurrent callers for a new key trigger one fetch.
await Promise.all(Array.from({ length: 10 }, () => getData('b')));
assert.equal(sourceFetches, 2);

console.log('tier stats:', cache.stats, 'L1 stats:', l1Cache.stats);
assert.deepEqual(cache.stats, { hits: [1, 1], misses: 2, loads: 2 });

// The guide's RedisCacheStore(), for real: ioredis as the client, keys under a prefix of their own.
const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 1000, retryStrategy: () => null });
client.on('error', () => {}); // a refused connection is handled below, not logged by ioredis
try {
  await client.connect();
} catch (e) {
  client.disconnect();
  // CI (AUTODEV_REQUIRE_SERVICES=1) starts Redis: there a missing one is a failure, not a skip.
  if (process.env.AUTODEV_REQUIRE_SERVICES === '1') throw new Error(`no Redis at ${url}: start one or set REDIS_URL`, { cause: e });
  console.log(`Redis part skipped: no Redis at ${url} (set REDIS_URL)`);
  process.exit(0);
}
const prefix = `autodev:example:${process.pid}:`;
const redisL2 = new RedisCacheStore<string>({ client, prefix, ttlMs: 60_000 }); // L2: persistent cache (Redis)
try {
  const l1 = new SimpleCache<string, string>(100); // L1: in-memory cache
  const tiers = new TieredCache<string>([l1, redisL2]);
  sourceFetches = 0;
  assert.equal(await tiers.getOrLoad('user:1', fetchFromSource), 'value-of-user:1'); // fetch and cache in L1 and L2
  assert.equal(await client.get(`${prefix}user:1`), JSON.stringify('value-of-user:1'));
  // A second process has an empty L1 of its own and finds the value in Redis.
  const otherProcess = new TieredCache<string>([new SimpleCache<string, string>(100), redisL2]);
  assert.equal(await otherProcess.getOrLoad('user:1', fetchFromSource), 'value-of-user:1');
  assert.equal(sourceFetches, 1, 'the source was read once for both processes');
  assert.deepEqual(otherProcess.stats, { hits: [0, 1], misses: 0, loads: 0 });
  console.log(`with Redis at ${url}: one source fetch, the second process hit L2`);
} finally {
  await redisL2.clear(); // removes only this prefix
  client.disconnect();
}
