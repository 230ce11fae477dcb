import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { SimpleCache } from '../src/simple-cache.js';

/** Reference model: a Map kept in recency order (oldest first) by delete + re-set on every touch. */
class ModelLru<K, V> {
  readonly map = new Map<K, V>();
  evictions = 0;
  constructor(readonly maxSize: number) {}
  get(k: K): V | undefined {
    if (!this.map.has(k)) return undefined;
    const v = this.map.get(k)!;
    this.map.delete(k);
    this.map.set(k, v);
    return v;
  }
  set(k: K, v: V): void {
    if (this.map.has(k)) this.map.delete(k);
    else if (this.map.size >= this.maxSize) {
      this.map.delete(this.map.keys().next().value!);
      this.evictions++;
    }
    this.map.set(k, v);
  }
  delete(k: K): boolean {
    return this.map.delete(k);
  }
}

type Key = number | string;
type Op = { op: 'get' | 'has' | 'peek' | 'delete'; k: Key } | { op: 'set'; k: Key; v: number } | { op: 'clear' };
// Integers (the int32 table until the first other key, then the elements index), strings including "1" and "__proto__" (the dictionary index) and
// -0, NaN, fractions and negatives (the Map): all must behave as one Map would (SameValueZero).
const key: fc.Arbitrary<Key> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 30 }) },
  { weight: 3, arbitrary: fc.constantFrom('1', '2', 'a', '__proto__', 'constructor', '') },
  { weight: 1, arbitrary: fc.constantFrom(-0, Number.NaN, 1.5, -1, 2 ** 31, 1) },
);
function opsOver(key: fc.Arbitrary<Key>, clearWeight = 1): fc.Arbitrary<Op> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), k: key, v: fc.integer() }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constant('get' as const), k: key }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('has' as const, 'peek' as const, 'delete' as const), k: key }) },
    { weight: clearWeight, arbitrary: fc.constant({ op: 'clear' as const }) },
  );
}
const opArb = opsOver(key);
// Int32 keys only (the cache never leaves the typed-array table): negative keys, the int32 extremes and -0.
// Long bucket chains are forced in int-slot-table.test.ts.
const int32Key: fc.Arbitrary<Key> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: -5, max: 40 }) },
  { weight: 2, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(-0, 2 ** 31 - 1, -(2 ** 31), 1 << 20, 2 << 20) },
);
// Many distinct strings, so a small cache's dictionary of evicted keys fills and is rebuilt.
const manyStrings: fc.Arbitrary<Key> = fc.integer({ min: 0, max: 80 }).map((i) => `s${i}`);

/** Runs `ops` on a SimpleCache and the model side by side, after `prefill` sets, checking every answer. */
function agreesWithModel(maxSize: number, ops: readonly Op[], prefill: readonly Key[] = []): void {
  const cache = new SimpleCache<Key, number>({ maxSize });
  const model = new ModelLru<Key, number>(maxSize);
  prefill.forEach((k, i) => {
    cache.set(k, i);
    model.set(k, i);
  });
  for (const o of ops) {
    switch (o.op) {
      case 'set':
        cache.set(o.k, o.v);
        model.set(o.k, o.v);
        break;
      case 'get':
        expect(cache.get(o.k)).toBe(model.get(o.k));
        break;
      case 'has':
        expect(cache.has(o.k)).toBe(model.map.has(o.k));
        break;
      case 'peek':
        expect(cache.peek(o.k)).toBe(model.map.get(o.k));
        break;
      case 'delete':
        expect(cache.delete(o.k)).toBe(model.delete(o.k));
        break;
      case 'clear':
        cache.clear();
        model.map.clear();
        break;
    }
    expect(cache.size).toBeLessThanOrEqual(maxSize);
    expect(cache.size).toBe(model.map.size);
  }
  expect([...cache.entriesByRecency()]).toEqual([...model.map.entries()].reverse());
  expect(cache.stats.evictions).toBe(model.evictions);
}

type Internals = { intTable: unknown };

describe('SimpleCache', () => {
  test.prop([fc.integer({ min: 1, max: 20 }), fc.array(opArb, { maxLength: 300, size: 'max' })])(
    'agrees with a reference LRU model and never exceeds maxSize',
    (maxSize, ops) => agreesWithModel(maxSize, ops),
  );

  test.prop([fc.integer({ min: 1, max: 20 }), fc.array(opsOver(int32Key), { maxLength: 300, size: 'max' })])(
    'int32 keys (the typed-array table) agree with the model',
    (maxSize, ops) => agreesWithModel(maxSize, ops),
  );

  test.prop([
    fc.integer({ min: 1, max: 20 }),
    fc.array(opsOver(int32Key, 0), { minLength: 1, maxLength: 150, size: 'max' }),
    fc.array(opArb, { maxLength: 150, size: 'max' }),
  ])('switching from int32 keys to mixed keys mid-stream (migration) agrees with the model', (maxSize, ints, mixed) =>
    agreesWithModel(maxSize, [...ints, ...mixed]),
  );

  test.prop([fc.integer({ min: 1, max: 12 }), fc.array(opsOver(manyStrings), { maxLength: 400, size: 'max' })])(
    'many string keys in a small cache (stale dictionary entries, rebuilds) agree with the model',
    (maxSize, ops) => agreesWithModel(maxSize, ops),
  );

  // Above 4096 entries evicted string keys are deleted from the dictionary at once. The cache is prefilled to
  // capacity, so the random operations evict, and they also touch the oldest prefilled keys, the first evicted.
  const oldestPrefilled: fc.Arbitrary<Key> = fc.integer({ min: 0, max: 60 }).chain((i) => fc.constantFrom(`pre${i}`, 1000 + 7 * i));
  test.prop(
    [
      fc.integer({ min: 4097, max: 4200 }),
      fc.array(fc.oneof(opsOver(key, 0), opsOver(manyStrings, 0), opsOver(oldestPrefilled, 0)), { maxLength: 300, size: 'max' }),
    ],
    { numRuns: 20 },
  )('a large cache, full of string or int32 keys, agrees with the model', (maxSize, ops) => {
    agreesWithModel(maxSize, ops, Array.from({ length: maxSize }, (_, i) => `pre${i}`));
    agreesWithModel(maxSize, ops, Array.from({ length: maxSize }, (_, i) => 1000 + 7 * i));
  });

  it('keeps int32 keys in the typed-array table until the first other key, then migrates every entry', () => {
    const cache = new SimpleCache<Key, string>({ maxSize: 3 });
    cache.set(-0, 'zero').set(-7, 'minus seven').set(2 ** 31 - 1, 'max');
    cache.get(-7);
    expect((cache as unknown as Internals).intTable).not.toBeNull();
    expect(cache.get(1.5)).toBeUndefined(); // a miss on another key type does not migrate
    expect((cache as unknown as Internals).intTable).not.toBeNull();
    cache.set('x', 'string'); // evicts 0, the least recently used
    expect((cache as unknown as Internals).intTable).toBeNull();
    expect([...cache.entriesByRecency()]).toEqual([
      ['x', 'string'],
      [-7, 'minus seven'],
      [2 ** 31 - 1, 'max'],
    ]);
    expect(cache.stats).toEqual({ hits: 1, misses: 1, evictions: 1 });
    cache.clear(); // the mode survives clear
    expect((cache as unknown as Internals).intTable).toBeNull();
    cache.set(0, 'again');
    expect(cache.get(-0)).toBe('again');
  });

  it('expires int32 keys after ttlMs like any other key', () => {
    let now = 0;
    const cache = new SimpleCache<number, number>({ maxSize: 2, ttlMs: 10, clock: { now: () => now } });
    cache.set(1, 1).set(2, 2);
    now = 10;
    expect(cache.has(1)).toBe(false);
    expect(cache.get(2)).toBeUndefined();
    expect(cache.size).toBe(1);
    expect(cache.delete(1)).toBe(false); // expired: removed but reported as absent
    expect(cache.size).toBe(0);
    cache.set(3, 3).set(4, 4).set(5, 5);
    expect([...cache.keysByRecency()]).toEqual([5, 4]);
    expect(cache.stats.evictions).toBe(1);
  });

  test.prop([fc.integer({ min: 1, max: 50 }), fc.array(fc.tuple(fc.nat(100), fc.nat()))])(
    'stays within maxSize and keeps the newest write',
    (maxSize, writes) => {
      const cache = new SimpleCache<number, number>({ maxSize });
      for (const [k, v] of writes) cache.set(k, v);
      expect(cache.size).toBeLessThanOrEqual(maxSize);
      const last = writes.at(-1);
      if (last) expect(cache.get(last[0])).toBe(last[1]);
    },
  );

  it('works as in the guide: new SimpleCache(100), get of a missing key is undefined', () => {
    const cache = new SimpleCache<string, string>(100);
    cache.set('key1', 'value1');
    expect(cache.get('key1')).toBe('value1');
    expect(cache.get('missing')).toBeUndefined();
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('key1')).toBeUndefined();
  });

  it('counts hits, misses and evictions', () => {
    const cache = new SimpleCache<string, number>({ maxSize: 2 });
    cache.set('a', 1).set('b', 2);
    cache.get('a');
    cache.set('c', 3); // evicts b, the least recently used
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.stats).toEqual({ hits: 2, misses: 1, evictions: 1 });
    cache.resetStats();
    expect(cache.stats).toEqual({ hits: 0, misses: 0, evictions: 0 });
  });

  it('distinguishes keys of different types and handles undefined as a key', () => {
    const cache = new SimpleCache<unknown, string>({ maxSize: 10 });
    cache.set(1, 'number').set('1', 'string').set(undefined, 'undef');
    expect(cache.get(1)).toBe('number');
    expect(cache.get('1')).toBe('string');
    expect(cache.get(undefined)).toBe('undef');
    // A miss on undefined followed by set must not skip the lookup for an existing key.
    const c2 = new SimpleCache<unknown, number>({ maxSize: 2 });
    c2.set(undefined, 1);
    c2.get('x');
    c2.set(undefined, 2);
    expect(c2.size).toBe(1);
    expect(c2.get(undefined)).toBe(2);
  });

  it('expires entries after ttlMs with an injected clock', () => {
    let now = 0;
    const cache = new SimpleCache<string, number>({ maxSize: 10, ttlMs: 100, clock: { now: () => now } });
    cache.set('a', 1);
    now = 99;
    expect(cache.get('a')).toBe(1);
    expect(cache.has('a')).toBe(true);
    now = 100;
    expect(cache.has('a')).toBe(false);
    expect(cache.peek('a')).toBeUndefined();
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
    cache.set('b', 2);
    now = 150;
    cache.set('b', 3); // a write renews the TTL
    now = 249;
    expect(cache.get('b')).toBe(3);
    expect(cache.stats).toEqual({ hits: 2, misses: 1, evictions: 0 });
  });

  it('does not count dropping an expired entry for room as an eviction', () => {
    let now = 0;
    const cache = new SimpleCache<string, number>({ maxSize: 2, ttlMs: 100, clock: { now: () => now } });
    cache.set('a', 1);
    now = 50;
    cache.set('b', 2);
    now = 120; // 'a' expired, 'b' live
    cache.set('c', 3); // drops the expired 'a'
    expect(cache.stats.evictions).toBe(0);
    cache.set('d', 4); // pushes out the live 'b'
    expect(cache.stats.evictions).toBe(1);
    expect([...cache.keysByRecency()]).toEqual(['d', 'c']);
  });

  it.each([0, -1, 1.5, Number.NaN, '10' as unknown as number])('rejects maxSize %s with INVALID_ARGUMENT', (maxSize) => {
    expect(() => new SimpleCache(maxSize)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new SimpleCache({ maxSize })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects a maxSize beyond what its slot layout can address with INVALID_ARGUMENT (not a RangeError)', () => {
    expect(() => new SimpleCache(2 ** 31 + 1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new SimpleCache(0xfffffffe)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects a non-positive ttlMs', () => {
    expect(() => new SimpleCache({ maxSize: 1, ttlMs: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('set(key, value, ttlMs) gives one entry a TTL, in a cache with or without a default', () => {
    let now = 0;
    const clock = { now: () => now };
    const plain = new SimpleCache<string, number>({ maxSize: 10, clock });
    plain.set('forever', 0);
    plain.set('short', 1, 100);
    plain.set('never', 2, Number.POSITIVE_INFINITY);
    now = 100;
    expect(plain.get('short')).toBeUndefined();
    expect(plain.get('forever')).toBe(0); // set before any TTL existed: still no expiry
    expect(plain.get('never')).toBe(2);
    plain.set('renewed', 3, 50);
    plain.set('renewed', 4); // a write without ttlMs in a cache without a default: no expiry
    now = 1e9;
    expect(plain.get('renewed')).toBe(4);

    now = 0;
    const withDefault = new SimpleCache<number, number>({ maxSize: 10, ttlMs: 100, clock });
    withDefault.set(1, 1, 1000);
    withDefault.set(2, 2);
    now = 500;
    expect(withDefault.get(2)).toBeUndefined();
    expect(withDefault.get(1)).toBe(1);
    now = 1000;
    expect(withDefault.get(1)).toBeUndefined();
  });

  it.each([0, -1, Number.NaN, '10' as unknown as number])('set rejects ttlMs %s with INVALID_ARGUMENT and stores nothing', (ttlMs) => {
    const cache = new SimpleCache<string, number>(10);
    expect(() => cache.set('a', 1, ttlMs)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('ttlMs') }));
    expect(cache.has('a')).toBe(false);
  });

  it('is usable as a CacheStore (L1 of a TieredCache)', async () => {
    const { TieredCache } = await import('../src/tiered-cache.js');
    const tiered = new TieredCache<number>([new SimpleCache<string, number>(10)]);
    await tiered.set('a', 1);
    expect(await tiered.get('a')).toBe(1);
  });
});

describe('SimpleCache with per-entry TTLs', () => {
  type TtlOp =
    | { op: 'set'; k: Key; v: number; ttl: number | undefined }
    | { op: 'get' | 'has' | 'delete'; k: Key }
    | { op: 'tick'; ms: number };
  const ttlKey: fc.Arbitrary<Key> = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom('a', 'b', 'c'));
  const ttlOp: fc.Arbitrary<TtlOp> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('set' as const), k: ttlKey, v: fc.integer(), ttl: fc.option(fc.constantFrom(1, 5, 20, Number.POSITIVE_INFINITY), { nil: undefined }) }) },
    { weight: 4, arbitrary: fc.record({ op: fc.constantFrom('get' as const, 'has' as const, 'delete' as const), k: ttlKey }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 10 }) }) },
  );

  // Model: a Map in recency order with an expiry per key; an expired entry still takes its slot (and is the
  // one evicted when it is the oldest) until a lookup drops it, as in SimpleCache.
  test.prop([fc.integer({ min: 1, max: 6 }), fc.option(fc.constantFrom(3, 8), { nil: undefined }), fc.array(ttlOp, { maxLength: 120 })], { numRuns: 300 })(
    'agrees with a model of expiry per entry, with or without a default ttlMs',
    (maxSize, defaultTtl, ops) => {
      let now = 0;
      const cache = new SimpleCache<Key, number>({ maxSize, ttlMs: defaultTtl, clock: { now: () => now } });
      const model = new Map<Key, { v: number; expiresAt: number }>();
      const live = (k: Key): { v: number; expiresAt: number } | undefined => {
        const e = model.get(k);
        return e !== undefined && e.expiresAt > now ? e : undefined;
      };
      for (const o of ops) {
        if (o.op === 'tick') now += o.ms;
        else if (o.op === 'set') {
          cache.set(o.k, o.v, o.ttl);
          const ttl = o.ttl ?? defaultTtl ?? Number.POSITIVE_INFINITY;
          if (model.has(o.k)) model.delete(o.k);
          else if (model.size >= maxSize) model.delete(model.keys().next().value!);
          model.set(o.k, { v: o.v, expiresAt: now + ttl });
        } else if (o.op === 'get') {
          const e = live(o.k);
          if (e === undefined) model.delete(o.k);
          else {
            model.delete(o.k);
            model.set(o.k, e);
          }
          expect(cache.get(o.k)).toBe(e?.v);
        } else if (o.op === 'has') expect(cache.has(o.k)).toBe(live(o.k) !== undefined);
        else {
          expect(cache.delete(o.k)).toBe(live(o.k) !== undefined);
          model.delete(o.k);
        }
        expect(cache.size).toBe(model.size);
        expect([...cache.keysByRecency()]).toEqual([...model.keys()].filter((k) => live(k) !== undefined).reverse());
      }
    },
  );
});
