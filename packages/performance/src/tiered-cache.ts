import type { CacheStore } from './cache-store.js';
import { PerformanceError, PerformanceErrorCode, invalidArgument } from './performance-error.js';
import { checkOptions } from './internal/options.js';

/** Options of {@link TieredCache}. */
export interface TieredCacheOptions {
  /** TTL hint passed to every tier's `set`, milliseconds. @default undefined (each tier's own policy) */
  ttlMs?: number;
  /**
   * Called when a tier throws or rejects. Given, a failing tier is skipped (a read counts as a miss, a write
   * is dropped) so a Redis outage degrades to L1 + source; not given, the error propagates to the caller.
   * @default undefined
   */
  onTierError?: (error: unknown, tier: number, operation: 'get' | 'set' | 'delete' | 'clear') => void;
}

/** The reads of one key in progress; `stale` once the key was written, deleted or cleared. */
interface PendingRead {
  stale: boolean;
  readers: number;
}

/** Per-tier counters of a {@link TieredCache}. */
export interface TieredCacheStats {
  /** `hits[i]`: reads answered by tier i. */
  hits: number[];
  /** Reads no tier could answer. */
  misses: number;
  /** Calls of a `getOrLoad` loader (deduplicated calls are not counted twice). */
  loads: number;
}

/**
 * The guide's multi-level cache: tiers ordered fastest first (L1 memory, L2 Redis...). `get` reads through
 * (a hit in tier i is copied into tiers 0..i−1), `set` writes every tier, and `getOrLoad` calls the loader
 * once per key at a time however many callers wait (in-flight dedupe), then fills every tier.
 *
 * @example
 * ```ts
 * const cache = new TieredCache<User>([new SimpleCache({ maxSize: 100 }), new RedisCacheStore({ client: redis })]);
 * const user = await cache.getOrLoad('user:1', () => db.users.find(1));
 * ```
 * @throws {PerformanceError} INVALID_ARGUMENT when `tiers` is empty or `ttlMs` is not positive.
 */
export class TieredCache<V, K = string> implements CacheStore<V, K> {
  private readonly inFlight = new Map<K, Promise<V>>();
  // Reads in progress per key (read-through fills and getOrLoad loads). A write marks them stale so a value
  // read before it is never stored after it. Entries live only while a read runs: the map stays as small
  // as the number of keys being read at once.
  private readonly reads = new Map<K, PendingRead>();
  private readonly counters: TieredCacheStats;

  constructor(
    readonly tiers: readonly CacheStore<V, K>[],
    private readonly options: TieredCacheOptions = {},
  ) {
    if (!Array.isArray(tiers) || tiers.length === 0) invalidArgument('TieredCache: pass at least one tier, fastest first: [l1, l2]');
    tiers.forEach((t: Partial<CacheStore<V, K>> | null, i) => {
      if (t === null || typeof t !== 'object' || typeof t.get !== 'function' || typeof t.set !== 'function' || typeof t.delete !== 'function') {
        invalidArgument(`TieredCache: tier ${i} must be a cache store with get, set and delete methods (a SimpleCache, a RedisCacheStore...)`);
      }
    });
    checkOptions('TieredCache', options, ['ttlMs', 'onTierError']);
    if (options.onTierError !== undefined && typeof options.onTierError !== 'function') {
      invalidArgument(`TieredCache: onTierError must be a function (error, tier, operation) => void, got ${typeof options.onTierError}`);
    }
    const { ttlMs } = options;
    if (ttlMs !== undefined && !(typeof ttlMs === 'number' && ttlMs > 0)) {
      invalidArgument(`TieredCache: ttlMs must be a positive number of milliseconds or undefined, got ${String(ttlMs)}`);
    }
    this.counters = { hits: tiers.map(() => 0), misses: 0, loads: 0 };
  }

  /** Hits per tier, misses and loads so far. */
  get stats(): TieredCacheStats {
    return { hits: [...this.counters.hits], misses: this.counters.misses, loads: this.counters.loads };
  }

  /** The value from the fastest tier that has it (copying it into the faster tiers), or `undefined`. */
  async get(key: K): Promise<V | undefined> {
    const read = this.beginRead(key);
    try {
      return await this.readThrough(key, read);
    } finally {
      this.endRead(key, read);
    }
  }

  /**
   * Writes `value` into every tier; `ttlMs` (default: the `ttlMs` option) is passed to every tier's `set`.
   * @throws {PerformanceError} INVALID_ARGUMENT (as a rejection, before any tier is touched) when `ttlMs` is
   *   not a positive number: with `onTierError` every tier's refusal would be swallowed and nothing stored.
   */
  async set(key: K, value: V, ttlMs: number | undefined = this.options.ttlMs): Promise<void> {
    if (ttlMs !== undefined && !(typeof ttlMs === 'number' && ttlMs > 0)) {
      invalidArgument(`TieredCache.set: ttlMs must be a positive number of milliseconds (Infinity = no expiry) or undefined, got ${String(ttlMs)}`);
    }
    this.invalidate(key);
    await this.writeAll(key, value, ttlMs);
  }

  /** Removes `key` from every tier. */
  async delete(key: K): Promise<void> {
    this.invalidate(key);
    await Promise.all(this.tiers.map((t, i) => this.attempt(i, 'delete', () => t.delete(key))));
  }

  /** Clears every tier that supports `clear`. */
  async clear(): Promise<void> {
    for (const read of this.reads.values()) read.stale = true;
    this.reads.clear();
    this.inFlight.clear();
    await Promise.all(this.tiers.map((t, i) => (t.clear ? this.attempt(i, 'clear', () => t.clear!()) : Promise.resolve(undefined))));
  }

  /**
   * The cached value, or the loader's result stored into every tier. Concurrent calls for one key share one
   * loader call; a loader that rejects is not cached (every waiting caller gets the rejection) and a loader
   * that resolves to `undefined` is returned but not stored. A `set`, `delete` or `clear` while the loader
   * runs wins: the loaded value goes to the callers already waiting but is not stored, and later callers
   * start a new load.
   */
  getOrLoad(key: K, loader: (key: K) => V | PromiseLike<V>): Promise<V> {
    if (typeof loader !== 'function') {
      return Promise.reject(new PerformanceError(PerformanceErrorCode.INVALID_ARGUMENT, `TieredCache.getOrLoad: loader must be a function (key) => value, got ${typeof loader}`));
    }
    const pending = this.inFlight.get(key);
    if (pending !== undefined) return pending;
    const read = this.beginRead(key);
    // The promise is only known after the async body starts; the body reads it through `self`.
    const self: { run?: Promise<V> } = {};
    const run = (async (): Promise<V> => {
      try {
        const hit = await this.readThrough(key, read);
        if (hit !== undefined) return hit;
        this.counters.loads++;
        const value = await loader(key);
        // A set/delete/clear of this key while the loader ran is newer than what the loader read: the
        // callers that were waiting get the loaded value, but it must not overwrite the newer state.
        if (value !== undefined && !read.stale) {
          // Other reads of this key began before this value existed; they must not copy theirs over it.
          // This load stays joinable until it settles.
          this.invalidate(key, self.run);
          await this.writeAll(key, value, this.options.ttlMs);
        }
        return value;
      } finally {
        this.endRead(key, read);
        // A write may have replaced this load with a newer one; only remove our own entry.
        if (this.inFlight.get(key) === self.run) this.inFlight.delete(key);
      }
    })();
    self.run = run;
    this.inFlight.set(key, run);
    return run;
  }

  private async readThrough(key: K, read: PendingRead): Promise<V | undefined> {
    for (let i = 0; i < this.tiers.length; i++) {
      const value = await this.attempt(i, 'get', () => this.tiers[i]!.get(key));
      if (value === undefined) continue;
      this.counters.hits[i]!++;
      // Copy into the faster tiers, unless the key was written or deleted since this read began.
      if (i > 0 && !read.stale) {
        await Promise.all(this.tiers.slice(0, i).map((t, j) => this.attempt(j, 'set', () => t.set(key, value, this.options.ttlMs))));
      }
      return value;
    }
    this.counters.misses++;
    return undefined;
  }

  private beginRead(key: K): PendingRead {
    let read = this.reads.get(key);
    if (read === undefined) this.reads.set(key, (read = { stale: false, readers: 0 }));
    read.readers++;
    return read;
  }

  private endRead(key: K, read: PendingRead): void {
    if (--read.readers === 0 && this.reads.get(key) === read) this.reads.delete(key);
  }

  private async writeAll(key: K, value: V, ttlMs: number | undefined): Promise<void> {
    await Promise.all(this.tiers.map((t, i) => this.attempt(i, 'set', () => t.set(key, value, ttlMs))));
  }

  /** Called synchronously by every write of `key`, before it touches a tier; `keep` is the load writing. */
  private invalidate(key: K, keep?: Promise<V>): void {
    const read = this.reads.get(key);
    if (read !== undefined) {
      read.stale = true;
      this.reads.delete(key);
    }
    // Later callers must not join a load that started before this write.
    if (this.inFlight.get(key) !== keep) this.inFlight.delete(key);
  }

  private async attempt<T>(tier: number, operation: 'get' | 'set' | 'delete' | 'clear', op: () => T | PromiseLike<T>): Promise<T | undefined> {
    const onError = this.options.onTierError;
    if (onError === undefined) return await op();
    try {
      return await op();
    } catch (error) {
      onError(error, tier, operation);
      return undefined;
    }
  }
}
