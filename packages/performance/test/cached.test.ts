import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { cached, getCache, type CachedFunction } from '../src/cached.js';

describe('cached', () => {
  it('computes once per argument tuple, as in the guide', () => {
    let calls = 0;
    const expensive = cached({ maxSize: 100 })((x: number, y: number) => {
      calls++;
      return x + y;
    });
    expect(expensive(1, 2)).toBe(3);
    expect(expensive(1, 2)).toBe(3);
    expect(calls).toBe(1);
    expect(expensive.cache.size).toBe(1);
    expect(expensive.cache.stats).toEqual({ hits: 1, misses: 1, evictions: 0 });
  });

  it('never confuses composite keys: f(1, "2"), f("1", 2), f("1,2") are three keys', () => {
    const f = cached()((...args: unknown[]) => JSON.stringify(args));
    expect(f(1, '2')).toBe('[1,"2"]');
    expect(f('1', 2)).toBe('["1",2]');
    expect(f('1,2')).toBe('["1,2"]');
    expect(f(1, '2')).toBe('[1,"2"]');
    expect(f.cache.size).toBe(3);
    expect(f(1)).toBe('[1]');
    expect(f(1, undefined)).toBe('[1,null]');
    expect(f()).toBe('[]');
    expect(f()).toBe('[]');
    expect(f.cache.size).toBe(6);
  });

  it('keeps -0 and 0 apart, and treats NaN as one key', () => {
    const inv = cached()((x: number) => 1 / x);
    expect(inv(0)).toBe(Number.POSITIVE_INFINITY);
    expect(inv(-0)).toBe(Number.NEGATIVE_INFINITY);
    const pair = cached()((x: number, y: number) => 1 / x + y);
    expect(pair(0, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(pair(-0, 1)).toBe(Number.NEGATIVE_INFINITY);
    let calls = 0;
    const nan = cached()((x: number) => (calls++, x));
    nan(Number.NaN);
    nan(Number.NaN);
    expect(calls).toBe(1);
  });

  it('compares objects by identity unless a key function is given', () => {
    let calls = 0;
    const byIdentity = cached()((q: { id: number }) => (calls++, q.id));
    byIdentity({ id: 1 });
    byIdentity({ id: 1 });
    expect(calls).toBe(2);
    calls = 0;
    const byKey = cached({ key: (q: { id: number }) => q.id })((q: { id: number }) => (calls++, q.id));
    byKey({ id: 1 });
    byKey({ id: 1 });
    expect(calls).toBe(1);
  });

  test.prop([fc.integer({ min: 1, max: 8 }), fc.array(fc.tuple(fc.nat(5), fc.constantFrom('a', 'b', '0', '1')), { maxLength: 100 })], {
    numRuns: 500,
  })(
    'evicts the least recently used tuple and never exceeds maxSize',
    (maxSize, calls) => {
      const f = cached({ maxSize })((n: number, s: string) => `${n}|${s}`);
      const model: string[] = []; // recency order, oldest first
      for (const [n, s] of calls) {
        const k = `${n}|${s}`;
        const hitsBefore = f.cache.stats.hits;
        expect(f(n, s)).toBe(k);
        const wasCached = model.includes(k);
        expect(f.cache.stats.hits - hitsBefore).toBe(wasCached ? 1 : 0);
        if (wasCached) model.splice(model.indexOf(k), 1);
        else if (model.length === maxSize) model.shift();
        model.push(k);
        expect(f.cache.size).toBe(model.length);
        expect(f.cache.size).toBeLessThanOrEqual(maxSize);
      }
    },
  );

  it('shares one in-flight promise per key and does not cache rejections', async () => {
    let calls = 0;
    let fail = true;
    const load = cached({ maxSize: 10 })(async (id: string) => {
      calls++;
      await new Promise((r) => setTimeout(r, 1));
      if (fail) throw new Error(`load ${id} failed`);
      return id.toUpperCase();
    });
    const a = load('x');
    const b = load('x');
    expect(a).toBe(b);
    await expect(a).rejects.toThrow('load x failed');
    expect(calls).toBe(1);
    expect(load.cache.size).toBe(0);
    fail = false;
    await expect(load('x')).resolves.toBe('X');
    await expect(load('x')).resolves.toBe('X');
    expect(calls).toBe(2);
  });

  it('does not cache a synchronous throw and rethrows it unchanged', () => {
    const err = new RangeError('bad');
    let calls = 0;
    const f = cached()((x: number) => {
      calls++;
      if (x < 0) throw err;
      return x;
    });
    expect(() => f(-1)).toThrow(err);
    expect(() => f(-1)).toThrow(err);
    expect(calls).toBe(2);
    expect(f.cache.size).toBe(0);
  });

  it('expires results after ttlMs with an injected clock', () => {
    let now = 0;
    let calls = 0;
    const f = cached({ ttlMs: 1000, clock: { now: () => now } })((x: number) => (calls++, x));
    f(1);
    now = 999;
    f(1);
    expect(calls).toBe(1);
    now = 1000;
    f(1);
    expect(calls).toBe(2);
  });

  it('does not count dropping an expired result for room as an eviction', () => {
    let now = 0;
    const f = cached({ maxSize: 2, ttlMs: 100, clock: { now: () => now } })((x: number) => x);
    f(1);
    now = 50;
    f(2);
    now = 120; // f(1) expired, f(2) live
    f(3); // drops the expired f(1)
    expect(f.cache.stats.evictions).toBe(0);
    f(4); // pushes out the live f(2)
    expect(f.cache.stats.evictions).toBe(1);
  });

  it('clear() forgets results; the handle reports maxSize', () => {
    const f = cached({ maxSize: 3 })((x: number) => x);
    f(1);
    f(2);
    f.cache.clear();
    expect(f.cache.size).toBe(0);
    expect(f.cache.maxSize).toBe(3);
  });

  it('gives each instance its own cache when used as a method decorator', () => {
    class Users {
      calls = 0;
      constructor(readonly prefix: string) {}
      @cached({ maxSize: 10 })
      get(id: string): string {
        this.calls++;
        return this.prefix + id;
      }
    }
    const a = new Users('a:');
    const b = new Users('b:');
    expect(a.get('1')).toBe('a:1');
    expect(a.get('1')).toBe('a:1');
    expect(b.get('1')).toBe('b:1');
    expect(a.calls).toBe(1);
    expect(b.calls).toBe(1);
    expect(getCache(a.get, a)?.stats).toEqual({ hits: 1, misses: 1, evictions: 0 });
    expect(getCache(a.get, new Users('c:'))).toBeUndefined();
    const plain = cached()((x: number) => x);
    expect(getCache(plain)).toBe(plain.cache);
    expect(getCache(() => 1)).toBeUndefined();
  });

  it('says what is wrong when a decorated method is called without an instance, or cached(fn) is called', () => {
    class Users {
      @cached()
      get(id: string): string {
        return id;
      }
    }
    const detached = new Users().get;
    expect(() => detached('1')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('obj.get(...)') }));
    expect(() => (cached as (f: unknown) => unknown)((x: number) => x)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('cached()(fn)') }),
    );
  });

  it.each([{ maxSize: 0 }, { maxSize: 2.5 }, { ttlMs: -1 }, { key: 'id' as never }])('rejects options %o with INVALID_ARGUMENT', (o) => {
    expect(() => cached(o)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('prunes the argument trie as entries leave, so memory follows live entries', () => {
    const f = cached({ maxSize: 2 })((a: number, b: number) => a * b);
    for (let i = 0; i < 1000; i++) f(i, i + 1);
    expect(f.cache.size).toBe(2);
    expect(f(998, 999)).toBe(998 * 999);
    expect(f.cache.stats.hits).toBe(1);
  });
});

describe('cached regressions', () => {
  it('keeps a new tuple reachable when evicting its only sibling empties their trie level (maxSize 1)', () => {
    let calls = 0;
    const f = cached({ maxSize: 1 })((n: number, s: string) => (calls++, `${n}|${s}`));
    f(2, 'a');
    f(2, '0');
    f(2, '0');
    expect(calls).toBe(2);
    expect(f.cache.stats).toEqual({ hits: 1, misses: 2, evictions: 1 });
  });

  it('stays consistent when a call that was in flight during clear() rejects afterwards', async () => {
    let fail!: (e: Error) => void;
    const f = cached()((a: number, b: number) =>
      a === 1 ? new Promise<number>((_, reject) => (fail = reject)) : Promise.resolve(a + b),
    );
    const pending = f(1, 2).catch((e: Error) => e.message);
    f.cache.clear();
    expect(await f(3, 4)).toBe(7);
    fail(new Error('boom'));
    expect(await pending).toBe('boom');
    // The rejection of the cleared call must not unlink anything of the new list.
    expect(f.cache.size).toBe(1);
    expect(await f(3, 4)).toBe(7);
    expect(await f(5, 6)).toBe(11);
    expect(await f(3, 4)).toBe(7);
    expect(f.cache.stats).toEqual({ hits: 2, misses: 3, evictions: 0 });
  });

  it('keeps one entry per key when the function calls itself with the same key', () => {
    type Q = { id: number; depth: number };
    let calls = 0;
    const g: CachedFunction<(q: Q) => number> = cached({ maxSize: 3, key: (q: Q) => q.id })(
      (q: Q): number => (calls++, q.depth > 0 ? g({ id: q.id, depth: q.depth - 1 }) + 1 : 0),
    );
    g({ id: 1, depth: 1 }); // the inner call stores id 1, then the outer one does
    expect(g.cache.size).toBe(1);
    g({ id: 2, depth: 0 });
    g({ id: 3, depth: 0 });
    g({ id: 4, depth: 0 }); // evicts id 1
    calls = 0;
    g({ id: 2, depth: 0 });
    g({ id: 3, depth: 0 });
    g({ id: 4, depth: 0 });
    expect(calls).toBe(0);
    expect(g.cache.size).toBe(3);
  });
});
