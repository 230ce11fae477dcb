export { PerformanceError, PerformanceErrorCode, isPerformanceError } from './performance-error.js';
export type { Clock } from './clock.js';
export { defaultClock } from './clock.js';
export {
  QuantileSketch,
  RELATIVE_ACCURACY,
  DEFAULT_MAX_BINS,
  SUB_BUCKET_BITS,
  type QuantileSketchSnapshot,
} from './quantile-sketch.js';
export { OperationRecorder, type OperationStats, type OperationSnapshot } from './operation-recorder.js';
export {
  PerformanceMonitor,
  GLOBAL_MONITOR_KEY,
  type PerformanceMonitorOptions,
  SNAPSHOT_VERSION,
  type PerformanceSnapshot,
  type PerformanceSnapshotV1,
  type Budget,
  type BudgetBreach,
  type PrometheusOptions,
} from './performance-monitor.js';
export { timed, type TimedOptions, type Timer } from './timed.js';
export { cached, getCache, type CachedOptions, type CachedFunction, type CacheHandle, type Memoizer } from './cached.js';
export { SimpleCache, type SimpleCacheOptions, type CacheStats } from './simple-cache.js';
export type { CacheStore, Awaitable } from './cache-store.js';
export { TieredCache, type TieredCacheOptions, type TieredCacheStats } from './tiered-cache.js';
export { RedisCacheStore, type RedisCacheStoreOptions, type RedisLikeClient } from './redis-cache-store.js';
export {
  OptimizationStrategy,
  type ComplexityType,
  type FittedComplexity,
  type ComplexitySample,
  type ComplexityFit,
  type MapConcurrentOptions,
} from './optimization-strategy.js';
