/**
 * A monotonic clock in milliseconds. Inject one (`{ now: () => t }`) to test TTLs without sleeping,
 * as lru-cache's `perf` option allows.
 *
 * @example
 * ```ts
 * let t = 0;
 * const cache = new SimpleCache<string, number>({ maxSize: 10, ttlMs: 1000, clock: { now: () => t } });
 * ```
 */
export interface Clock {
  /** Current time in milliseconds; only differences matter. */
  now(): number;
}

/** The default clock: `performance.now()` (monotonic, unaffected by wall-clock changes). */
export const defaultClock: Clock = { now: () => performance.now() };
