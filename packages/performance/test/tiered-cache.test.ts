import { describe, expect, it } from 'vitest';
import { TieredCache } from '../src/tiered-cache.js';
import { SimpleCache } from '../src/simple-cache.js';
import type { CacheStore } from '../src/cache-store.js';

/** An async in-memory tier that records its calls. */
function memoryTier(): CacheStore<number> & { data: Map<string, number>; log: string[] } {
  const data = new Map<string, number>();
  const log: string[] = [];
  return {
    data,
    log,
    async get(k) {
      log.push(`get ${k}`);
      return data.get(k);
    },
    async set(k, v) {
      log.push(`set ${k}`);
      data.set(k, v);
    },
    async delete(k) {
      log.push(`delete ${k}`);
      data.delete(k);
    },
    async clear() {
      data.clear();
    },
  };
}

describe('TieredCache', () => {
  it('reads through: an L2 hit fills L1', async () => {
    const l1 = new SimpleCache<string, number>(10);
    const l2 = memoryTier();
    l2.data.set('k', 7);
    const cache = new TieredCache<number>([l1, l2]);
    expect(await cache.get('k')).toBe(7);
    expect(l1.get('k')).toBe(7);
    expect(await cache.get('k')).toBe(7);
    expect(cache.stats).toEqual({ hits: [1, 1], misses: 0, loads: 0 });
    expect(await cache.get('missing')).toBeUndefined();
    expect(cache.stats.misses).toBe(1);
  });

  it('ttlMs reaches a SimpleCache L1: it expires with the other tiers instead of serving the value forever', async () => {
    let now = 0;
    const l1 = new SimpleCache<string, number>({ maxSize: 10, clock: { now: () => now } });
    const l2 = memoryTier();
    const cache = new TieredCache<number>([l1, l2], { ttlMs: 1000 });
    await cache.set('a', 1);
    expect(await cache.getOrLoad('b', () => 2)).toBe(2);
    now = 999;
    expect(l1.get('a')).toBe(1);
    now = 1000;
    l2.data.clear(); // the L2 expired them too
    expect(l1.get('a')).toBeUndefined();
    expect(l1.get('b')).toBeUndefined();
    expect(await cache.get('a')).toBeUndefined();
  });

  it('set rejects a bad ttlMs before touching a tier, also with onTierError (which used to swallow every tier refusing it)', async () => {
    const l1 = new SimpleCache<string, number>(10);
    const l2 = memoryTier();
    const errors: unknown[] = [];
    const cache = new TieredCache<number>([l1, l2], { onTierError: (e) => errors.push(e) });
    for (const ttlMs of [0, -5, Number.NaN]) {
      await expect(cache.set('a', 1, ttlMs)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('ttlMs') });
    }
    expect(errors).toEqual([]);
    expect(l1.has('a')).toBe(false);
    expect(l2.log).toEqual([]);
  });

  it('writes, deletes and clears every tier', async () => {
    const l1 = new SimpleCache<string, number>(10);
    const l2 = memoryTier();
    const cache = new TieredCache<number>([l1, l2]);
    await cache.set('a', 1);
    expect(l1.get('a')).toBe(1);
    expect(l2.data.get('a')).toBe(1);
    await cache.delete('a');
    expect(l1.has('a')).toBe(false);
    expect(l2.data.has('a')).toBe(false);
    await cache.set('b', 2);
    await cache.clear();
    expect(l1.size).toBe(0);
    expect(l2.data.size).toBe(0);
  });

  it('getOrLoad calls the loader once for concurrent callers and fills every tier', async () => {
    const l1 = new SimpleCache<string, number>(10);
    const l2 = memoryTier();
    const cache = new TieredCache<number>([l1, l2]);
    let loads = 0;
    const loader = async (k: string): Promise<number> => {
      loads++;
      await new Promise((r) => setTimeout(r, 2));
      return k.length;
    };
    const results = await Promise.all([cache.getOrLoad('abc', loader), cache.getOrLoad('abc', loader), cache.getOrLoad('abc', loader)]);
    expect(results).toEqual([3, 3, 3]);
    expect(loads).toBe(1);
    expect(l1.get('abc')).toBe(3);
    expect(l2.data.get('abc')).toBe(3);
    expect(await cache.getOrLoad('abc', loader)).toBe(3);
    expect(loads).toBe(1);
    expect(cache.stats.loads).toBe(1);
  });

  it('does not cache a loader rejection, and retries next time', async () => {
    const cache = new TieredCache<number>([new SimpleCache<string, number>(10)]);
    await expect(cache.getOrLoad('k', () => Promise.reject(new Error('source down')))).rejects.toThrow('source down');
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.getOrLoad('k', () => 5)).toBe(5);
  });

  it('propagates tier errors by default and degrades with onTierError', async () => {
    const broken: CacheStore<number> = {
      get: () => Promise.reject(new Error('ECONNREFUSED')),
      set: () => Promise.reject(new Error('ECONNREFUSED')),
      delete: () => Promise.reject(new Error('ECONNREFUSED')),
    };
    const strict = new TieredCache<number>([new SimpleCache<string, number>(10), broken]);
    await expect(strict.get('k')).rejects.toThrow('ECONNREFUSED');
    const errors: string[] = [];
    const lenient = new TieredCache<number>([new SimpleCache<string, number>(10), broken], {
      onTierError: (_e, tier, op) => errors.push(`${tier}:${op}`),
    });
    expect(await lenient.getOrLoad('k', () => 9)).toBe(9);
    expect(await lenient.get('k')).toBe(9);
    expect(errors).toEqual(['1:get', '1:set']);
  });

  it('rejects an empty tier list', () => {
    expect(() => new TieredCache([])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  describe('writes during a read win over the value read before them', () => {
    /** A loader the test resolves by hand, to order it against writes without timers. */
    function manualLoader(): { load: () => Promise<number>; resolve: (v: number) => void; calls: () => number } {
      let resolve!: (v: number) => void;
      let calls = 0;
      return {
        load: () => (calls++, new Promise<number>((r) => (resolve = r))),
        resolve: (v) => resolve(v),
        calls: () => calls,
      };
    }
    const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

    it('delete during getOrLoad: the old value is not stored and later callers load again', async () => {
      const l1 = new SimpleCache<string, number>(10);
      const l2 = memoryTier();
      const cache = new TieredCache<number>([l1, l2]);
      const old = manualLoader();
      const first = cache.getOrLoad('k', old.load);
      await tick(); // the loader has started (it read the old row)
      expect(old.calls()).toBe(1);
      await cache.delete('k'); // the row changed: invalidate
      const late = cache.getOrLoad('k', () => 2); // must not join the stale load
      old.resolve(1);
      expect(await first).toBe(1); // the caller that asked before the delete gets what was loaded
      expect(await late).toBe(2);
      expect(l1.get('k')).toBe(2);
      expect(l2.data.get('k')).toBe(2);
    });

    it('set during getOrLoad is not overwritten by the loader result', async () => {
      const l1 = new SimpleCache<string, number>(10);
      const l2 = memoryTier();
      const cache = new TieredCache<number>([l1, l2]);
      const old = manualLoader();
      const first = cache.getOrLoad('k', old.load);
      await tick();
      await cache.set('k', 99);
      old.resolve(1);
      expect(await first).toBe(1);
      expect(l1.get('k')).toBe(99);
      expect(l2.data.get('k')).toBe(99);
    });

    it('clear during getOrLoad stores nothing', async () => {
      const l1 = new SimpleCache<string, number>(10);
      const cache = new TieredCache<number>([l1]);
      const old = manualLoader();
      const first = cache.getOrLoad('k', old.load);
      await tick();
      await cache.clear();
      old.resolve(1);
      expect(await first).toBe(1);
      expect(l1.has('k')).toBe(false);
    });

    it('delete during a read-through get does not copy the L2 value back into L1', async () => {
      const l1 = new SimpleCache<string, number>(10);
      let release!: () => void;
      const l2: CacheStore<number> = {
        get: () => new Promise<number>((r) => (release = () => r(7))),
        set: () => undefined,
        delete: () => undefined,
      };
      const cache = new TieredCache<number>([l1, l2]);
      const read = cache.get('k');
      await tick();
      await cache.delete('k');
      release();
      expect(await read).toBe(7);
      expect(l1.has('k')).toBe(false);
    });
  });
});
