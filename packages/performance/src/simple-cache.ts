import { defaultClock, type Clock } from './clock.js';
import { invalidArgument } from './performance-error.js';

/** Hit, miss and eviction counters of a cache. */
export interface CacheStats {
  /** Lookups that found a live entry. */
  hits: number;
  /** Lookups that found nothing (or only an expired entry). */
  misses: number;
  /** Entries dropped to make room (least recently used first). Expired and deleted entries are not evictions. */
  evictions: number;
}

/** Options of {@link SimpleCache}. */
export interface SimpleCacheOptions {
  /** Maximum number of entries; the least recently used one is evicted beyond it. An integer ≥ 1. */
  maxSize: number;
  /** Time to live of each entry in milliseconds, counted from its last `set`. @default undefined (no expiry) */
  ttlMs?: number;
  /** Clock for TTLs (inject one in tests instead of sleeping). @default performance.now() */
  clock?: Clock;
}

const NO_KEY: unique symbol = Symbol('no key');

/**
 * An exact LRU cache with a fixed capacity: `get`, `set`, `has`, `delete`, `clear`, `size`, `stats` and an
 * optional TTL. `get` of a missing key returns `undefined`, as in the guide.
 *
 * Layout (the one mnemonist's `LRUCache` made popular, written anew here): an index from key to slot, keys
 * and values in two arrays preallocated to `maxSize`, and the recency order as a doubly linked list over
 * slot numbers in two `Uint32Array`s, so a hit moves an entry to the front with a few integer writes
 * and a full cache evicts without allocating. The index is split by key type: non-negative int32 keys
 * live in the elements of one plain object (an array-indexed table in V8), strings in a second,
 * prototype-less object (a dictionary), both much cheaper to churn than a `Map`, whose deleted entries
 * force whole-table rehashes; every other key (objects, symbols, fractions...) goes to a `Map`. The split
 * keeps `Map` semantics: `1` and `"1"` are different keys, `0` and `-0` the same, `"__proto__"` is a key. One more trick for the read-through pattern
 * `get(k) ?? set(k, load(k))`: `set` right after a missed `get` of the same key skips the second lookup.
 *
 * @example
 * ```ts
 * const cache = new SimpleCache<string, string>(100); // or { maxSize: 100, ttlMs: 60_000 }
 * cache.set('key1', 'value1');
 * cache.get('key1');    // 'value1'
 * cache.get('missing'); // undefined
 * cache.clear();
 * ```
 * @throws {PerformanceError} INVALID_ARGUMENT when `maxSize` is not an integer ≥ 1 or `ttlMs` is not a positive number.
 */
export class SimpleCache<K, V> {
  /** Capacity. */
  readonly maxSize: number;
  /** TTL in milliseconds, or `undefined`. */
  readonly ttlMs: number | undefined;
  private readonly map = new Map<K, number>();
  // Slots of non-negative int32 keys, by key (object elements, not named properties).
  private ints: Record<number, number> = Object.create(null) as Record<number, number>;
  // Slots of string keys (a dictionary-mode object without prototype).
  private strs: Record<string, number> = Object.create(null) as Record<string, number>;
  private keys: (K | undefined)[];
  private values: (V | undefined)[];
  private readonly next: Uint32Array;
  private readonly prev: Uint32Array;
  private readonly expiresAt: Float64Array | null;
  private readonly clock: Clock;
  private head = 0;
  private tail = 0;
  private count = 0;
  // Slots handed out so far; below maxSize a new key takes the next one instead of evicting.
  private allocated = 0;
  private freeSlots: number[] = [];
  private lastMiss: K | typeof NO_KEY = NO_KEY;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(options: SimpleCacheOptions | number) {
    const o = typeof options === 'number' ? { maxSize: options } : options;
    if (o === null || typeof o !== 'object') invalidArgument(`SimpleCache: expected { maxSize } or a number, got ${String(o)}`);
    const { maxSize, ttlMs } = o;
    if (!Number.isInteger(maxSize) || maxSize < 1 || maxSize > 0xfffffffe) {
      invalidArgument(`SimpleCache: maxSize must be an integer >= 1 (e.g. 100), got ${String(maxSize)}`);
    }
    if (ttlMs !== undefined && !(typeof ttlMs === 'number' && ttlMs > 0)) {
      invalidArgument(`SimpleCache: ttlMs must be a positive number of milliseconds or undefined, got ${String(ttlMs)}`);
    }
    this.maxSize = maxSize;
    this.ttlMs = ttlMs === Number.POSITIVE_INFINITY ? undefined : ttlMs;
    this.clock = o.clock ?? defaultClock;
    // `new Array(n)` keeps fast (holey) elements in V8 up to far beyond typical capacities, and allocating
    // exactly n avoids the up-to-50% slack of growing by push.
    this.keys = new Array<K | undefined>(maxSize);
    this.values = new Array<V | undefined>(maxSize);
    this.next = new Uint32Array(maxSize);
    this.prev = new Uint32Array(maxSize);
    this.expiresAt = this.ttlMs === undefined ? null : new Float64Array(maxSize);
  }

  /** Number of live entries (expired entries count until they are next touched). */
  get size(): number {
    return this.count;
  }

  /** Hit, miss and eviction counters since construction (or since `resetStats()`). */
  get stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, evictions: this.evictions };
  }

  /** Zeroes the counters of `stats`. */
  resetStats(): void {
    this.hits = 0;
    this.misses = 0;
    this.evictions = 0;
  }

  /** The value for `key`, marking it most recently used, or `undefined` when missing or expired. */
  get(key: K): V | undefined {
    const p = this.slotOf(key);
    if (p === undefined) {
      this.misses++;
      this.lastMiss = key;
      return undefined;
    }
    if (this.expiresAt !== null && this.expiresAt[p]! <= this.clock.now()) {
      this.removeSlot(p);
      this.misses++;
      this.lastMiss = key;
      return undefined;
    }
    this.hits++;
    if (p !== this.head) this.moveToFront(p);
    return this.values[p];
  }

  /** The value for `key` without touching recency or stats, or `undefined`. */
  peek(key: K): V | undefined {
    const p = this.slotOf(key);
    if (p === undefined || this.isExpired(p)) return undefined;
    return this.values[p];
  }

  /** True when `key` has a live entry; does not touch recency or stats. */
  has(key: K): boolean {
    const p = this.slotOf(key);
    return p !== undefined && !this.isExpired(p);
  }

  /** Stores `value` under `key` as the most recently used entry, evicting the least recently used one when full. */
  set(key: K, value: V): this {
    let p: number | undefined;
    // After a missed get of this very key nothing can have inserted it, so the lookup is known to miss.
    if (key !== this.lastMiss) {
      p = this.slotOf(key);
      if (p !== undefined) {
        this.values[p] = value;
        if (this.expiresAt !== null) this.expiresAt[p] = this.clock.now() + this.ttlMs!;
        if (p !== this.head) this.moveToFront(p);
        return this;
      }
    }
    this.lastMiss = NO_KEY;
    if (this.allocated < this.maxSize) {
      p = this.allocated++;
    } else if (this.freeSlots.length > 0) {
      p = this.freeSlots.pop()!;
    } else {
      p = this.tail;
      this.unindex(this.keys[p]!);
      this.tail = this.prev[p]!;
      this.count--;
      this.evictions++;
    }
    // Like Map, store -0 as +0 so iteration hands back the key a Map would.
    this.keys[p] = key === 0 ? (0 as K) : key;
    this.values[p] = value;
    if (this.expiresAt !== null) this.expiresAt[p] = this.clock.now() + this.ttlMs!;
    if (typeof key === 'number' && (key | 0) === key && key >= 0) this.ints[key] = p;
    else if (typeof key === 'string') this.strs[key] = p;
    else this.map.set(key, p);
    if (this.count === 0) {
      this.head = p;
      this.tail = p;
    } else {
      this.next[p] = this.head;
      this.prev[this.head] = p;
      this.head = p;
    }
    this.count++;
    return this;
  }

  /** Removes `key`; true when it was present. */
  delete(key: K): boolean {
    const p = this.slotOf(key);
    if (p === undefined) return false;
    const live = !this.isExpired(p);
    this.removeSlot(p);
    return live;
  }

  /** Removes every entry (stats are kept; see `resetStats`). */
  clear(): void {
    this.map.clear();
    this.ints = Object.create(null) as Record<number, number>;
    this.strs = Object.create(null) as Record<string, number>;
    this.keys = new Array<K | undefined>(this.maxSize);
    this.values = new Array<V | undefined>(this.maxSize);
    this.freeSlots = [];
    this.allocated = 0;
    this.count = 0;
    this.head = 0;
    this.tail = 0;
    this.lastMiss = NO_KEY;
  }

  /** Live keys, most recently used first. */
  *keysByRecency(): IterableIterator<K> {
    for (const [k] of this.entriesByRecency()) yield k;
  }

  /** Live `[key, value]` pairs, most recently used first. */
  *entriesByRecency(): IterableIterator<[K, V]> {
    let p = this.head;
    const now = this.expiresAt === null ? 0 : this.clock.now();
    for (let i = 0; i < this.count; i++) {
      if (this.expiresAt === null || this.expiresAt[p]! > now) yield [this.keys[p] as K, this.values[p] as V];
      p = this.next[p]!;
    }
  }

  private slotOf(key: K): number | undefined {
    // `(key | 0) === key` is true for int32 numbers (and -0, which Map also treats as 0).
    if (typeof key === 'number' && (key | 0) === key && key >= 0) return this.ints[key];
    return typeof key === 'string' ? this.strs[key] : this.map.get(key);
  }

  private unindex(key: K): void {
    if (typeof key === 'string') delete this.strs[key];
    else if (typeof key === 'number' && (key | 0) === key && key >= 0) delete this.ints[key];
    else this.map.delete(key);
  }

  private isExpired(p: number): boolean {
    return this.expiresAt !== null && this.expiresAt[p]! <= this.clock.now();
  }

  private moveToFront(p: number): void {
    const next = this.next;
    const prev = this.prev;
    const before = prev[p]!;
    if (p === this.tail) this.tail = before;
    else prev[next[p]!] = before;
    next[before] = next[p]!;
    prev[this.head] = p;
    next[p] = this.head;
    this.head = p;
  }

  private removeSlot(p: number): void {
    if (this.count === 1) {
      this.head = 0;
      this.tail = 0;
    } else if (p === this.head) {
      this.head = this.next[p]!;
    } else if (p === this.tail) {
      this.tail = this.prev[p]!;
    } else {
      this.next[this.prev[p]!] = this.next[p]!;
      this.prev[this.next[p]!] = this.prev[p]!;
    }
    this.unindex(this.keys[p]!);
    this.keys[p] = undefined;
    this.values[p] = undefined;
    this.freeSlots.push(p);
    this.count--;
  }
}
