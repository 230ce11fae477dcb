import { defaultClock, type Clock } from './clock.js';
import { IntSlotTable } from './internal/int-slot-table.js';
import { invalidArgument } from './performance-error.js';
import { checkOptions } from './internal/options.js';

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
  /**
   * Time to live of each entry in milliseconds, counted from its last `set`; `set(key, value, ttlMs)` overrides
   * it for one entry. @default undefined (no expiry)
   */
  ttlMs?: number;
  /** Clock for TTLs (inject one in tests instead of sleeping). @default performance.now() */
  clock?: Clock;
}

const NO_KEY: unique symbol = Symbol('no key');

// The most slots the layout can address: IntSlotTable chains hold slot numbers in Int32Arrays (-1 ends a
// chain), and `links` has 2 × maxSize entries, which a typed array allows up to 2^32.
const MAX_CAPACITY = 2 ** 31;

// Capacities up to which evicted string keys stay in the dictionary (see `lazyStrings`). Measured with
// bench/lru-ab.ts: skipping `delete` wins at 1k entries, ties at 10k and loses at 30k and 100k, where the
// larger dictionary and its rebuilds cost more cache misses than the deletes they save.
const LAZY_STRINGS_MAX_SIZE = 4096;

/**
 * An exact LRU cache with a fixed capacity: `get`, `set`, `has`, `delete`, `clear`, `size`, `stats` and an
 * optional TTL. `get` of a missing key returns `undefined`, as in the guide.
 *
 * Layout: an index from key to slot, values in an array preallocated to `maxSize`, and the recency order
 * as a doubly linked list over slot numbers in one `Uint32Array`, so a hit moves an entry to the front
 * with a few integer writes and a full cache evicts without allocating. The index has two modes.
 * A new cache starts in the int32 mode: keys live in an {@link IntSlotTable}, a chained hash table in
 * typed arrays, with no per-entry object at all. The first `set` of any other key migrates every entry,
 * once and for good (`clear` keeps the mode), to the generic index, which is split by key type:
 * non-negative int32 keys in the elements of one object, strings in a prototype-less object (a
 * dictionary), both much cheaper to churn than a `Map`, whose deleted entries force whole-table rehashes;
 * every other key (objects, symbols, fractions...) in a `Map`; it also keeps each slot's key in an array.
 * Either mode keeps `Map` semantics: `1` and `"1"` are different keys, `0` and `-0` the same,
 * `"__proto__"` is a key. One more trick for the read-through pattern `get(k) ?? set(k, load(k))`: `set`
 * right after a missed `get` of the same key skips the second lookup.
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
  // The int32 mode's index; null once the cache has switched to the generic index below.
  private intTable: IntSlotTable | null;
  private readonly map = new Map<K, number>();
  // Slots of non-negative int32 keys, by key (object elements, not named properties).
  private ints: Record<number, number> = Object.create(null) as Record<number, number>;
  // Slots of string keys (a dictionary-mode object without prototype).
  private strs: Record<string, number> = Object.create(null) as Record<string, number>;
  // Small caches leave removed string keys in `strs`, a `delete` saved per eviction: a slot found there
  // counts only while `keys[slot]` still holds the key, and once `strs` has 2 × maxSize keys it is rebuilt
  // from the live entries (O(maxSize) after ≥ maxSize new keys, so O(1) amortised).
  private readonly lazyStrings: boolean;
  private strsSize = 0;
  // Keys by slot, generic mode only (the int32 mode keeps them in `intTable`).
  private keys: (K | undefined)[] = [];
  private values: (V | undefined)[];
  // The recency list: links[2p] is the slot after p (towards the tail), links[2p + 1] the one before it.
  // Interleaved, so unlinking a slot reads both of its links from one cache line.
  private readonly links: Uint32Array;
  // Expiry time per slot (Infinity = never); allocated up front with a default TTL, or at the first
  // `set(key, value, ttlMs)` of a cache without one.
  private expiresAt: Float64Array | null;
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
    if (o === null || typeof o !== 'object') invalidArgument(`SimpleCache: expected { maxSize } or a number, got ${JSON.stringify(o) ?? String(o)}`);
    checkOptions('SimpleCache', o, ['maxSize', 'ttlMs', 'clock']);
    const { maxSize, ttlMs } = o;
    if (!Number.isInteger(maxSize) || maxSize < 1) {
      invalidArgument(`SimpleCache: maxSize must be an integer >= 1 (e.g. 100), got ${String(maxSize)}`);
    }
    if (maxSize > MAX_CAPACITY) {
      invalidArgument(`SimpleCache: maxSize must be at most 2^31 (slots are preallocated, ~30 bytes each), got ${String(maxSize)}`);
    }
    if (ttlMs !== undefined && !(typeof ttlMs === 'number' && ttlMs > 0)) {
      invalidArgument(`SimpleCache: ttlMs must be a positive number of milliseconds or undefined, got ${String(ttlMs)}`);
    }
    this.maxSize = maxSize;
    this.lazyStrings = maxSize <= LAZY_STRINGS_MAX_SIZE;
    this.ttlMs = ttlMs === Number.POSITIVE_INFINITY ? undefined : ttlMs;
    if (o.clock !== undefined && typeof (o.clock as Partial<Clock> | null)?.now !== 'function') {
      invalidArgument('SimpleCache: clock must be an object with a now() method returning milliseconds, e.g. { now: () => t }');
    }
    this.clock = o.clock ?? defaultClock;
    try {
      this.intTable = new IntSlotTable(maxSize);
      // `new Array(n)` keeps fast (holey) elements in V8 up to far beyond typical capacities, and allocating
      // exactly n avoids the up-to-50% slack of growing by push.
      this.values = new Array<V | undefined>(maxSize);
      this.links = new Uint32Array(2 * maxSize);
      this.expiresAt = this.ttlMs === undefined ? null : new Float64Array(maxSize);
    } catch (error) {
      // "Array buffer allocation failed": say which option asked for the memory.
      if (error instanceof RangeError) {
        invalidArgument(`SimpleCache: could not preallocate ${maxSize} slots (about ${Math.ceil((maxSize * 30) / 2 ** 20)} MiB); use a smaller maxSize`);
      }
      throw error;
    }
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
    if (p === -1) {
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
    if (p === -1 || this.isExpired(p)) return undefined;
    return this.values[p];
  }

  /** True when `key` has a live entry; does not touch recency or stats. */
  has(key: K): boolean {
    const p = this.slotOf(key);
    return p !== -1 && !this.isExpired(p);
  }

  /**
   * Stores `value` under `key` as the most recently used entry, evicting the least recently used one when full.
   * `ttlMs` (milliseconds, `Infinity` = never) sets this entry's time to live instead of the cache's `ttlMs`,
   * which is how a {@link TieredCache}'s `ttlMs` reaches an in-memory L1.
   * @throws {PerformanceError} INVALID_ARGUMENT when `ttlMs` is given and is not a positive number.
   */
  set(key: K, value: V, ttlMs?: number): this {
    let expiry = 0;
    if (ttlMs !== undefined) expiry = this.expiryFor(ttlMs);
    else if (this.expiresAt !== null) expiry = this.ttlMs === undefined ? Number.POSITIVE_INFINITY : this.clock.now() + this.ttlMs;
    const table = this.intTable;
    const intKey = isInt32(key);
    if (table !== null && !intKey) this.migrateToGenericIndex();
    // After a missed get of this very key nothing can have inserted it, so the lookup is known to miss.
    if (key !== this.lastMiss) {
      const p = this.slotOf(key);
      if (p !== -1) {
        this.values[p] = value;
        if (this.expiresAt !== null) this.expiresAt[p] = expiry;
        if (p !== this.head) this.moveToFront(p);
        return this;
      }
    }
    this.lastMiss = NO_KEY;
    let p: number;
    if (this.allocated < this.maxSize) {
      p = this.allocated++;
    } else if (this.freeSlots.length > 0) {
      p = this.freeSlots.pop()!;
    } else {
      p = this.tail;
      // An expired tail only makes room it already had: `evictions` counts live entries pushed out, as
      // documented, so that it stays a signal that maxSize is too small.
      if (!this.isExpired(p)) this.evictions++;
      this.unindex(p);
      this.tail = this.links[2 * p + 1]!;
      this.count--;
    }
    if (table !== null && intKey) table.insert(key, p);
    else this.indexGeneric(key, p);
    this.values[p] = value;
    if (this.expiresAt !== null) this.expiresAt[p] = expiry;
    if (this.count === 0) {
      this.head = p;
      this.tail = p;
    } else {
      this.links[2 * p] = this.head;
      this.links[2 * this.head + 1] = p;
      this.head = p;
    }
    this.count++;
    return this;
  }

  /** Removes `key`; true when it was present. */
  delete(key: K): boolean {
    const p = this.slotOf(key);
    if (p === -1) return false;
    const live = !this.isExpired(p);
    this.removeSlot(p);
    return live;
  }

  /** Removes every entry (stats are kept; see `resetStats`). The index stays in its current mode. */
  clear(): void {
    if (this.intTable !== null) {
      this.intTable.clear();
    } else {
      this.map.clear();
      this.ints = Object.create(null) as Record<number, number>;
      this.strs = Object.create(null) as Record<string, number>;
      this.strsSize = 0;
      this.keys = new Array<K | undefined>(this.maxSize);
    }
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
      if (this.expiresAt === null || this.expiresAt[p]! > now) yield [this.keyAt(p), this.values[p] as V];
      p = this.links[2 * p]!;
    }
  }

  /** The slot of `key`, or -1. */
  private slotOf(key: K): number {
    const table = this.intTable;
    // In the int32 mode no other key can be present.
    if (table !== null) return isInt32(key) ? table.find(key) : -1;
    let p: number | undefined;
    if (typeof key === 'number' && (key | 0) === key && key >= 0) p = this.ints[key];
    else if (typeof key === 'string') {
      p = this.strs[key];
      return p === undefined || (this.lazyStrings && this.keys[p] !== key) ? -1 : p;
    } else p = this.map.get(key);
    return p === undefined ? -1 : p;
  }

  private keyAt(p: number): K {
    return this.intTable !== null ? (this.intTable.keyAt(p) as K) : (this.keys[p] as K);
  }

  private indexGeneric(key: K, p: number): void {
    // Like Map, store -0 as +0 so iteration hands back the key a Map would.
    this.keys[p] = key === 0 ? (0 as K) : key;
    if (typeof key === 'number' && (key | 0) === key && key >= 0) this.ints[key] = p;
    else if (typeof key === 'string') {
      if (this.lazyStrings && this.strs[key] === undefined) {
        if (this.strsSize >= 2 * this.maxSize) this.rebuildStrs();
        this.strsSize++;
      }
      this.strs[key] = p;
    } else this.map.set(key, p);
  }

  /** Drops slot `p` from the index (not from the recency list). */
  private unindex(p: number): void {
    if (this.intTable !== null) {
      this.intTable.remove(p);
      return;
    }
    const key = this.keys[p]!;
    this.keys[p] = undefined;
    if (typeof key === 'string') {
      if (!this.lazyStrings) delete this.strs[key];
    } else if (typeof key === 'number' && (key | 0) === key && key >= 0) delete this.ints[key];
    else this.map.delete(key);
  }

  /** Moves every live entry from the int32 table to the generic index, keeping slots and recency as they are. */
  private migrateToGenericIndex(): void {
    const table = this.intTable!;
    this.keys = new Array<K | undefined>(this.maxSize);
    let p = this.head;
    for (let i = 0; i < this.count; i++) {
      this.indexGeneric(table.keyAt(p) as K, p);
      p = this.links[2 * p]!;
    }
    this.intTable = null;
  }

  /** Replaces `strs` by a dictionary of the live string keys only (lazy mode). */
  private rebuildStrs(): void {
    const strs = Object.create(null) as Record<string, number>;
    let n = 0;
    let p = this.head;
    for (let i = 0; i < this.count; i++) {
      const k = this.keys[p];
      if (typeof k === 'string') {
        strs[k] = p;
        n++;
      }
      p = this.links[2 * p]!;
    }
    this.strs = strs;
    this.strsSize = n;
  }

  /** The expiry time of an entry set now with `ttlMs`, allocating the expiry array on first use. */
  private expiryFor(ttlMs: number): number {
    if (!(typeof ttlMs === 'number' && ttlMs > 0)) {
      invalidArgument(`SimpleCache.set: ttlMs must be a positive number of milliseconds (Infinity = no expiry) or undefined, got ${String(ttlMs)}`);
    }
    if (this.expiresAt === null) {
      // Entries set before had no TTL: they never expire.
      this.expiresAt = new Float64Array(this.maxSize).fill(Number.POSITIVE_INFINITY);
    }
    return ttlMs === Number.POSITIVE_INFINITY ? ttlMs : this.clock.now() + ttlMs;
  }

  private isExpired(p: number): boolean {
    return this.expiresAt !== null && this.expiresAt[p]! <= this.clock.now();
  }

  private moveToFront(p: number): void {
    const links = this.links;
    const before = links[2 * p + 1]!;
    const after = links[2 * p]!;
    if (p === this.tail) this.tail = before;
    else links[2 * after + 1] = before;
    links[2 * before] = after;
    links[2 * this.head + 1] = p;
    links[2 * p] = this.head;
    this.head = p;
  }

  private removeSlot(p: number): void {
    if (this.count === 1) {
      this.head = 0;
      this.tail = 0;
    } else if (p === this.head) {
      this.head = this.links[2 * p]!;
    } else if (p === this.tail) {
      this.tail = this.links[2 * p + 1]!;
    } else {
      const before = this.links[2 * p + 1]!;
      const after = this.links[2 * p]!;
      this.links[2 * before] = after;
      this.links[2 * after + 1] = before;
    }
    this.unindex(p);
    this.values[p] = undefined;
    this.freeSlots.push(p);
    this.count--;
  }
}

/** True for int32 numbers (and -0, which `Map` treats as 0 and an `Int32Array` stores as 0). */
function isInt32(key: unknown): key is number {
  return typeof key === 'number' && (key | 0) === key;
}
