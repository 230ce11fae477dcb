import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisCacheStore } from '../src/redis-cache-store.js';
import { TieredCache } from '../src/tiered-cache.js';
import { SimpleCache } from '../src/simple-cache.js';
import { runWith } from '../../../test-services.js';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function connect(): Promise<Redis | undefined> {
  // A generous connect timeout: on a busy CI machine the test process may not run for a second, and a timeout
  // there would fail the run (CI requires Redis). A missing local server is refused at once, not timed out.
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 10_000, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return client;
  } catch {
    client.disconnect();
    return undefined;
  }
}

const client = await connect();
// Without Redis (and without AUTODEV_REQUIRE_SERVICES=1, which CI sets) these tests are skipped; with it set, they
// run and fail on the missing server.
const withRedis = runWith(`Redis at ${url}`, client !== undefined, 'Start one or set REDIS_URL.');

describe.runIf(withRedis)(`RedisCacheStore against a real Redis at ${url}`, () => {
  const prefix = `autodev-test:${process.pid}:${Date.now()}:`;
  let store: RedisCacheStore<{ name: string; n: number } | null>;

  beforeAll(() => {
    if (client === undefined) throw new Error(`no Redis reachable at ${url}: start one or set REDIS_URL (.ci/run starts it)`);
    store = new RedisCacheStore({ client, prefix });
  });
  afterAll(async () => {
    if (client === undefined) return;
    await store.clear();
    client.disconnect();
  });

  it('round-trips JSON values under the prefix and reports misses as undefined', async () => {
    await store.set('user:1', { name: 'ada', n: 1 });
    expect(await store.get('user:1')).toEqual({ name: 'ada', n: 1 });
    expect(await client!.get(`${prefix}user:1`)).toBe('{"name":"ada","n":1}');
    expect(await store.get('user:404')).toBeUndefined();
    await store.set('null', null);
    expect(await store.get('null')).toBeNull();
  });

  it('sets a TTL in milliseconds with PX', async () => {
    await store.set('ttl', { name: 'x', n: 2 }, 5000);
    const pttl = await client!.pttl(`${prefix}ttl`);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual(5000);
    await store.set('short', { name: 'y', n: 3 }, 20);
    await new Promise((r) => setTimeout(r, 60));
    expect(await store.get('short')).toBeUndefined();
  });

  it('deletes a key and clears only its own prefix', async () => {
    await store.set('a', { name: 'a', n: 1 });
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    await client!.set(`other:${prefix}keep`, '1');
    await store.set('b', { name: 'b', n: 2 });
    await store.clear();
    expect(await store.get('b')).toBeUndefined();
    expect(await client!.get(`other:${prefix}keep`)).toBe('1');
    await client!.del(`other:${prefix}keep`);
  });

  it('serves as the L2 of a TieredCache', async () => {
    const l1 = new SimpleCache<string, { name: string; n: number } | null>(10);
    const tiered = new TieredCache([l1, store]);
    let loads = 0;
    const v = await tiered.getOrLoad('user:2', async () => (loads++, { name: 'bob', n: 2 }));
    expect(v).toEqual({ name: 'bob', n: 2 });
    l1.clear();
    expect(await tiered.get('user:2')).toEqual({ name: 'bob', n: 2 });
    expect(l1.get('user:2')).toEqual({ name: 'bob', n: 2 });
    expect(loads).toBe(1);
  });
});

describe('RedisCacheStore options', () => {
  it('rejects a client without get/set/del and a bad ttl', () => {
    expect(() => new RedisCacheStore({ client: {} as never })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const fake = { get: async () => null, set: async () => 'OK', del: async () => 0 };
    expect(() => new RedisCacheStore({ client: fake, ttlMs: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('refuses an empty prefix, with which clear() would delete every key of the database', () => {
    const fake = { get: async () => null, set: async () => 'OK', del: async () => 0 };
    expect(() => new RedisCacheStore({ client: fake, prefix: '' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/prefix must be a non-empty string/) }));
    expect(() => new RedisCacheStore({ client: fake, prefix: 42 as unknown as string })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects a bad per-call ttl and a value that does not serialize, before calling Redis', async () => {
    const calls: unknown[][] = [];
    const fake = { get: async () => null, set: async (...args: unknown[]) => (calls.push(args), 'OK'), del: async () => 0 };
    const store = new RedisCacheStore<unknown>({ client: fake, prefix: 'p:' });
    for (const ttl of [Number.NaN, 0, -5]) {
      await expect(store.set('k', 1, ttl)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    await expect(store.set('k', undefined)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(calls).toEqual([]);
    // Infinity means no expiry, per call and as the default.
    await store.set('k', 1, Number.POSITIVE_INFINITY);
    await new RedisCacheStore<number>({ client: fake, prefix: 'p:', ttlMs: Number.POSITIVE_INFINITY }).set('k', 2);
    await store.set('k', 3, 1.5);
    expect(calls).toEqual([['p:k', '1'], ['p:k', '2'], ['p:k', '3', 'PX', 2]]);
  });
});
