import type { CacheStore } from './cache-store.js';
import { invalidArgument } from './performance-error.js';
import { checkOptions } from './internal/options.js';

/**
 * The subset of an ioredis (or node-redis v4 legacy-mode) client this store calls; duck-typed so the
 * package has no runtime dependency on a Redis driver.
 */
export interface RedisLikeClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  set(key: string, value: string, px: 'PX', milliseconds: number): Promise<unknown>;
  del(...keys: string[]): Promise<number>;
  /** Used by `clear()` only: `SCAN cursor MATCH pattern COUNT n`. */
  scan?(cursor: string, match: 'MATCH', pattern: string, count: 'COUNT', n: number): Promise<[cursor: string, keys: string[]]>;
}

/** Options of {@link RedisCacheStore}. */
export interface RedisCacheStoreOptions<V> {
  /** An ioredis-compatible client (`new Redis(url)`); the store never connects or quits it. */
  client: RedisLikeClient;
  /**
   * Prefix of every key, so several caches share a database and `clear()` removes only this one's. Must not be
   * empty. @default 'autodev:cache:'
   */
  prefix?: string;
  /** Default time to live, milliseconds (Redis `PX`). @default undefined (no expiry) */
  ttlMs?: number;
  /** Encodes a value. @default JSON.stringify */
  serialize?: (value: V) => string;
  /** Decodes a value. @default JSON.parse */
  deserialize?: (text: string) => V;
}

/**
 * A {@link CacheStore} on Redis: the L2 of the guide's multi-level cache. Values are JSON (or your codec)
 * under `prefix + key`, with an optional TTL in milliseconds (`SET key value PX ttl`).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * const l2 = new RedisCacheStore<User>({ client: new Redis(process.env.REDIS_URL), ttlMs: 60_000 });
 * ```
 * @throws {PerformanceError} INVALID_ARGUMENT when `client` lacks get/set/del, `ttlMs` is not positive, or
 * `prefix` is empty (its `clear()` would delete the whole database).
 */
export class RedisCacheStore<V> implements CacheStore<V> {
  readonly prefix: string;
  private readonly client: RedisLikeClient;
  private readonly ttlMs: number | undefined;
  private readonly serialize: (value: V) => string;
  private readonly deserialize: (text: string) => V;

  constructor(options: RedisCacheStoreOptions<V>) {
    checkOptions('RedisCacheStore', options, ['client', 'prefix', 'ttlMs', 'serialize', 'deserialize']);
    const c = options?.client as Partial<RedisLikeClient> | undefined;
    if (!c || typeof c.get !== 'function' || typeof c.set !== 'function' || typeof c.del !== 'function') {
      invalidArgument('RedisCacheStore: client must be an ioredis-compatible client with get, set and del (e.g. new Redis(url))');
    }
    if (options.ttlMs !== undefined && !(typeof options.ttlMs === 'number' && options.ttlMs > 0)) {
      invalidArgument(`RedisCacheStore: ttlMs must be a positive number of milliseconds or undefined, got ${String(options.ttlMs)}`);
    }
    // An empty prefix would make clear() SCAN `*` and delete every key of the database, other apps' included.
    if (options.prefix !== undefined && !(typeof options.prefix === 'string' && options.prefix.length > 0)) {
      invalidArgument(`RedisCacheStore: prefix must be a non-empty string (clear() removes every key that starts with it), got ${JSON.stringify(options.prefix)}; use e.g. 'myapp:cache:'`);
    }
    for (const codec of ['serialize', 'deserialize'] as const) {
      if (options[codec] !== undefined && typeof options[codec] !== 'function') invalidArgument(`RedisCacheStore: ${codec} must be a function, got ${typeof options[codec]}`);
    }
    this.client = options.client;
    this.prefix = options.prefix ?? 'autodev:cache:';
    // Infinity means no expiry, as in SimpleCache (Redis itself would reject `PX Infinity`).
    this.ttlMs = options.ttlMs === Number.POSITIVE_INFINITY ? undefined : options.ttlMs;
    this.serialize = options.serialize ?? ((v: V) => JSON.stringify(v));
    this.deserialize = options.deserialize ?? ((t: string) => JSON.parse(t) as V);
  }

  /** The decoded value, or `undefined` when the key is missing or expired. */
  async get(key: string): Promise<V | undefined> {
    const text = await this.client.get(this.prefix + key);
    return text === null ? undefined : this.deserialize(text);
  }

  /**
   * Stores a value; `ttlMs` overrides the store's default TTL (`Infinity`: no expiry).
   * @throws {PerformanceError} INVALID_ARGUMENT (as a rejection) when `ttlMs` is not a positive number, or the
   *   value serializes to no string (`undefined`, a function...): `get` could not read it back.
   */
  async set(key: string, value: V, ttlMs: number | undefined = this.ttlMs): Promise<void> {
    // Checked here because Redis answers NaN or Infinity with an untyped "ERR value is not an integer",
    // and a negative TTL would silently become 1 ms.
    if (ttlMs !== undefined && !(typeof ttlMs === 'number' && ttlMs > 0)) {
      invalidArgument(`RedisCacheStore.set: ttlMs must be a positive number of milliseconds or undefined, got ${String(ttlMs)}`);
    }
    const text: unknown = this.serialize(value);
    // JSON.stringify(undefined) is undefined, which the client would store as "" and get() fail to parse.
    if (typeof text !== 'string') {
      invalidArgument(`RedisCacheStore.set: the value of "${key}" serialized to ${typeof text}, not a string; undefined cannot be stored (get returns it for a miss)`);
    }
    if (ttlMs === undefined || ttlMs === Number.POSITIVE_INFINITY) await this.client.set(this.prefix + key, text);
    else await this.client.set(this.prefix + key, text, 'PX', Math.max(1, Math.ceil(ttlMs)));
  }

  /** Removes a key; true when it existed. */
  async delete(key: string): Promise<boolean> {
    return (await this.client.del(this.prefix + key)) > 0;
  }

  /**
   * Removes every key under this store's prefix, by SCAN (never KEYS, which blocks the server).
   * @throws {PerformanceError} INVALID_ARGUMENT when the client has no `scan`.
   */
  async clear(): Promise<void> {
    const client = this.client;
    if (typeof client.scan !== 'function') invalidArgument('RedisCacheStore.clear: the client has no scan(); pass an ioredis client');
    const pattern = `${this.prefix.replace(/[*?[\]\\]/g, '\\$&')}*`;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      if (keys.length > 0) await this.client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
}
