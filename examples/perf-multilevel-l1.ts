// The guide's "Multi-Level Caching": an in-memory L1 (SimpleCache) in front of a slower L2.
// In production the L2 is RedisCacheStore({ client: new Redis(url) }); here an async Map stands in for it,
// so the example runs anywhere.
import assert from 'node:assert/strict';
import { SimpleCache, TieredCache, type CacheStore } from '@autodev/performance';

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
