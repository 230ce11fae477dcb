// The guide's "Performance Module" component snippets, one by one, as written there (in TypeScript):
// PerformanceMonitor, @timed, @cached, SimpleCache and OptimizationStrategy.
import assert from 'node:assert/strict';
import { cached, isPerformanceError, OptimizationStrategy, PerformanceMonitor, SimpleCache, timed } from '@autodev/performance';

// PerformanceMonitor: a global singleton. `new PerformanceMonitor()` returns the shared instance (the one
// `timed` records into); `PerformanceMonitor.isolated()` gives a private one, e.g. for tests.
const monitor = new PerformanceMonitor();
assert.equal(monitor, new PerformanceMonitor());

// Record operation timing (seconds, as in the guide)
monitor.recordOperation('database_query', 0.45);

// Get statistics: undefined for an operation never recorded (check before reading fields).
const stats = monitor.getStats('database_query');
assert.ok(stats);
console.log(`Average: ${stats.avg}s`);
console.log(`Count: ${stats.count}`);
console.log(`Total: ${stats.total}s`);
assert.deepEqual([stats.avg, stats.count, stats.total], [0.45, 1, 0.45]);
assert.equal(monitor.getStats('never_recorded'), undefined);
// A negative or non-finite duration is refused with a typed error.
assert.throws(() => monitor.recordOperation('database_query', -1), (e: unknown) => isPerformanceError(e) && e.code === 'INVALID_ARGUMENT');

// @timed("my_function"): TypeScript decorators apply to class methods; a plain function is wrapped instead.
const myFunction = timed('my_function')(function myFunction() {
  let total = 0;
  for (let i = 0; i < 1000; i++) total += i;
  return total;
});
myFunction();
// Automatically recorded in PerformanceMonitor
assert.equal(monitor.getStats('my_function')?.count, 1);

// @cached(max_size=100): LRU caching.
let computations = 0;
const expensiveFunction = cached({ maxSize: 100 })((x: number, y: number) => {
  computations++; // Expensive computation
  return x + y;
});
let result = expensiveFunction(1, 2); // First call: computed
result = expensiveFunction(1, 2); // Second call: cached
assert.equal(result, 3);
assert.equal(computations, 1);
assert.deepEqual(expensiveFunction.cache.stats, { hits: 1, misses: 1, evictions: 0 });

// SimpleCache(max_size=100): manual cache management. `new SimpleCache({ maxSize: 100 })` works too.
const cache = new SimpleCache<string, string>(100);
cache.set('key1', 'value1'); // Set values
assert.equal(cache.get('key1'), 'value1'); // Returns "value1"
assert.equal(cache.get('missing'), undefined); // Python's None is undefined here
cache.clear(); // Clear cache
assert.equal(cache.size, 0);

// OptimizationStrategy: the guide's keyword arguments are positional here.
const items = Array.from({ length: 100 }, (_, i) => i);
const batches = OptimizationStrategy.batchOperations(items, 10); // batch_size=10
assert.equal(batches.length, 10); // [[0-9], [10-19], ..., [90-99]]
assert.deepEqual(batches[0], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);

const shouldParallelize = OptimizationStrategy.shouldParallelize(100, 10); // item_count=100, threshold=10
assert.equal(shouldParallelize, true); // Returns: True (more items than the threshold; the default threshold is 10)

const complexity = OptimizationStrategy.estimateComplexity(1000, 'logarithmic'); // natural log
assert.ok(Math.abs(complexity - 6.9) < 0.01); // Returns: ~6.9
console.log(`batches: ${batches.length}, shouldParallelize(100, 10): ${shouldParallelize}, estimateComplexity(1000, 'logarithmic'): ${complexity.toFixed(2)}`);
