/** A value or a promise of it: stores may answer synchronously (memory) or not (network). */
export type Awaitable<T> = T | PromiseLike<T>;

/**
 * The small async interface one tier of a {@link TieredCache} implements. `SimpleCache` satisfies it as is
 * (an in-memory L1); `RedisCacheStore` is an L2. `undefined` from `get` means a miss, so `undefined` itself
 * cannot be stored.
 *
 * @example
 * ```ts
 * const l1: CacheStore<User> = new SimpleCache<string, User>({ maxSize: 100 });
 * ```
 */
export interface CacheStore<V, K = string> {
  /** The value, or `undefined` on a miss. */
  get(key: K): Awaitable<V | undefined>;
  /** Stores a value; `ttlMs` is its time to live (`SimpleCache` and `RedisCacheStore` honour it). */
  set(key: K, value: V, ttlMs?: number): Awaitable<unknown>;
  /** Removes a key. */
  delete(key: K): Awaitable<unknown>;
  /** Removes every key of this store (optional). */
  clear?(): Awaitable<unknown>;
}
