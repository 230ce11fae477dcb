import { defaultClock, type Clock } from './clock.js';
import { invalidArgument } from './performance-error.js';
import type { CacheStats } from './simple-cache.js';
import { MemoStore, normalizeKey } from './internal/memo-store.js';
import { copyFunctionProperties, notAFunctionMessage } from './internal/function-properties.js';
import { checkOptions } from './internal/options.js';
import { isPromise } from './internal/promise.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFunction = (this: any, ...args: any[]) => any;

/** Options of {@link cached}. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface CachedOptions<Args extends unknown[] = any[]> {
  /** Maximum number of remembered results (LRU beyond it); an integer ≥ 1. @default 100 */
  maxSize?: number;
  /** Time to live of each result in milliseconds. @default undefined (results never expire) */
  ttlMs?: number;
  /**
   * Derives one cache key from the arguments; keys are then compared with SameValueZero (strings and numbers
   * by value, objects by identity). Without it: one argument is its own key, several arguments are compared
   * position by position (no string joining), and objects are compared by identity.
   * @default undefined
   */
  key?: (...args: Args) => unknown;
  /** Clock for TTLs (inject one in tests). @default performance.now() */
  clock?: Clock;
}

/** The guide's `my_function._cache`: what a cached function exposes as `fn.cache`. */
export interface CacheHandle {
  /** Remembered results (including in-flight promises). */
  readonly size: number;
  /** Capacity. */
  readonly maxSize: number;
  /** Hit, miss and eviction counters; a call that joins an in-flight promise is a hit. */
  readonly stats: CacheStats;
  /** Forgets every remembered result (counters are kept). */
  clear(): void;
}

/** A function wrapped by {@link cached}: same signature, plus `cache`. */
export type CachedFunction<F extends AnyFunction> = F & { readonly cache: CacheHandle };

/** What `cached(options)` returns: call it with a function, or use it as a standard method decorator. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Memoizer<Args extends unknown[] = any[]> {
  /** Wraps `fn`, keeping its signature and adding `fn.cache`. */
  <F extends (this: never, ...args: Args) => unknown>(fn: F): CachedFunction<F>;
  /**
   * Standard (TC39) method decorator: each instance gets its own cache, created on its first call and
   * collected with the instance (a `WeakMap` keyed by `this`), so instances never see each other's results
   * and an instance's cache dies with it. Reach it with `getCache(instance.method, instance)`.
   */
  <This, A extends Args, Return>(
    method: (this: This, ...args: A) => Return,
    context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => Return>,
  ): (this: This, ...args: A) => Return;
}

const METHOD_CACHES = Symbol.for('autodev.performance.v1.methodCaches');

function handleFor(store: MemoStore): CacheHandle {
  return {
    get size() {
      return store.size;
    },
    maxSize: store.maxSize,
    get stats(): CacheStats {
      return { hits: store.hits, misses: store.misses, evictions: store.evictions };
    },
    clear: () => store.clear(),
  };
}

interface Resolved {
  maxSize: number;
  ttlMs: number | undefined;
  key: ((...args: unknown[]) => unknown) | undefined;
  clock: Clock;
}

function resolveOptions(options: CachedOptions<never>): Resolved {
  if (typeof options === 'function') invalidArgument('cached: pass the options first, then the function: cached()(fn) or cached({ maxSize: 100 })(fn)');
  if (options === null || typeof options !== 'object') invalidArgument(`cached: expected an options object, got ${String(options)}`);
  checkOptions('cached', options, ['maxSize', 'ttlMs', 'key', 'clock']);
  const { maxSize = 100, ttlMs, key, clock = defaultClock } = options;
  if (!Number.isInteger(maxSize) || maxSize < 1) invalidArgument(`cached: maxSize must be an integer >= 1 (e.g. 100), got ${String(maxSize)}`);
  if (ttlMs !== undefined && !(typeof ttlMs === 'number' && ttlMs > 0)) {
    invalidArgument(`cached: ttlMs must be a positive number of milliseconds or undefined, got ${String(ttlMs)}`);
  }
  if (key !== undefined && typeof key !== 'function') invalidArgument(`cached: key must be a function, got ${typeof key}`);
  if (typeof (clock as Partial<Clock> | null)?.now !== 'function') invalidArgument('cached: clock must be an object with a now() method returning milliseconds, e.g. { now: () => t }');
  return {
    maxSize,
    ttlMs: ttlMs === Number.POSITIVE_INFINITY ? undefined : ttlMs,
    key: key as ((...args: unknown[]) => unknown) | undefined,
    clock,
  };
}

function makeCached(fn: AnyFunction, o: Resolved): AnyFunction & { cache: CacheHandle } {
  const store = new MemoStore(o.maxSize, o.ttlMs, o.clock);
  const keyFn = o.key;
  const remember = (node: ReturnType<MemoStore['addSingle']>, result: unknown): void => {
    // Only native promises are watched: calling then() on another thenable could run a lazy query builder
    // once more than the caller does (see isPromise); such values are cached like any other.
    if (!isPromise(result)) return;
    // Rejections are not cached: drop the entry if it still holds this promise.
    try {
      result.then(undefined, () => store.remove(node));
    } catch {
      store.remove(node);
    }
  };
  let wrapped: AnyFunction;
  if (keyFn !== undefined) {
    wrapped = function (this: unknown, ...args: unknown[]): unknown {
      const key = normalizeKey(keyFn.apply(this, args));
      const hit = store.getSingle(key);
      if (hit !== undefined) return hit.value;
      const result: unknown = fn.apply(this, args);
      remember(store.addSingle(key, result), result);
      return result;
    };
  } else {
    wrapped = function (this: unknown, a: unknown): unknown {
      // `arguments` instead of rest parameters: no array is allocated on the hit path.
      // eslint-disable-next-line prefer-rest-params
      const args = arguments;
      if (args.length === 1) {
        const key = a === 0 ? normalizeKey(a) : a;
        const hit = store.getSingle(key);
        if (hit !== undefined) return hit.value;
        const result: unknown = fn.call(this, a);
        remember(store.addSingle(key, result), result);
        return result;
      }
      const hit = store.getPath(args);
      if (hit !== undefined) return hit.value;
      const result: unknown = fn.apply(this, args as unknown as unknown[]);
      remember(store.addPath(args, result), result);
      return result;
    };
  }
  copyFunctionProperties(wrapped, fn);
  Object.defineProperty(wrapped, 'cache', { value: handleFor(store), enumerable: true, configurable: true });
  return wrapped as AnyFunction & { cache: CacheHandle };
}

/**
 * Memoizes a function with an LRU bound (the guide's `@cached(max_size=100)`). Works as a wrapper,
 * `cached({ maxSize: 50 })(fn)`, and as a standard method decorator, `@cached({ maxSize: 50 })`.
 * Async functions: concurrent calls with one key share one in-flight promise, and a rejected promise is
 * forgotten so the next call retries. Errors thrown synchronously are not cached and pass through unchanged.
 *
 * Keys are never silently wrong: one argument is its own key (`1` and `"1"` differ; `-0` and `0` differ);
 * several arguments are compared position by position, so `f(1, "2")`, `f("1", 2)` and `f("1,2")` are three
 * keys; objects are compared by identity (pass `key` to compare them by content, e.g. `key: (q) => q.id`).
 *
 * @throws {PerformanceError} INVALID_ARGUMENT when `maxSize` is not an integer ≥ 1, `ttlMs` is not positive,
 *   or `key` is not a function.
 * @example
 * ```ts
 * const expensive = cached({ maxSize: 100 })((x: number, y: number) => x + y);
 * expensive(1, 2); // computed
 * expensive(1, 2); // cached
 * expensive.cache.stats; // { hits: 1, misses: 1, evictions: 0 }
 * ```
 * @see getCache for the per-instance cache of a decorated method.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function cached<Args extends unknown[] = any[]>(options: CachedOptions<Args> = {}): Memoizer<Args> {
  const o = resolveOptions(options);
  const memoizer = (fn: AnyFunction, context?: ClassMethodDecoratorContext): AnyFunction => {
    if (typeof fn !== 'function') invalidArgument(notAFunctionMessage('cached', fn, context));
    if (context === undefined) return makeCached(fn, o);
    if (context.kind !== 'method') invalidArgument(`cached: only methods can be decorated, got a ${String(context.kind)}`);
    const perInstance = new WeakMap<object, AnyFunction & { cache: CacheHandle }>();
    const method = function (this: object, ...args: unknown[]): unknown {
      let c = perInstance.get(this);
      if (c === undefined) {
        // A detached call (`const f = obj.method; f()`) has no instance to key the cache by; say so
        // instead of letting the WeakMap throw "Invalid value used as weak map key".
        if (this === null || (typeof this !== 'object' && typeof this !== 'function')) {
          invalidArgument(`cached: method "${String(context.name)}" was called with this = ${String(this)}; call it on an instance (obj.${String(context.name)}(...)) or bind it`);
        }
        perInstance.set(this, (c = makeCached(fn, o)));
      }
      return c.apply(this, args) as unknown;
    };
    copyFunctionProperties(method, fn);
    Object.defineProperty(method, METHOD_CACHES, { value: perInstance });
    return method;
  };
  return memoizer as Memoizer<Args>;
}

/**
 * The cache of a `cached` function, or of one instance's decorated method (`getCache(obj.method, obj)`);
 * `undefined` when `fn` is not cached or the instance has not called the method yet.
 * @example
 * ```ts
 * class Users { @cached({ maxSize: 100 }) get(id: string) { ... } }
 * const users = new Users(); users.get('a');
 * getCache(users.get, users)?.stats; // { hits: 0, misses: 1, evictions: 0 }
 * ```
 */
export function getCache(fn: unknown, instance?: object): CacheHandle | undefined {
  if (typeof fn !== 'function') return undefined;
  const perInstance = (fn as { [METHOD_CACHES]?: WeakMap<object, { cache: CacheHandle }> })[METHOD_CACHES];
  if (perInstance !== undefined) return instance === undefined ? undefined : perInstance.get(instance)?.cache;
  return (fn as { cache?: CacheHandle }).cache;
}
