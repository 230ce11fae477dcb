// The guide's "Performance Budget": budgets are one call, not a loop over get_stats.
import assert from 'node:assert/strict';
import { PerformanceMonitor } from '@autodev/performance';

const monitor = PerformanceMonitor.isolated(); // the global one works the same; isolated keeps this example self-contained

// Set budgets (seconds).
const BUDGETS = {
  api_request: 1.0,
  database_query: 0.5,
  cache_lookup: 0.01,
};

// Some recorded operations.
for (const s of [0.8, 1.4, 1.6]) monitor.recordOperation('api_request', s); // avg 1.27 s: over
for (const s of [0.1, 0.2, 0.3]) monitor.recordOperation('database_query', s); // avg 0.2 s: fine
// cache_lookup has no samples yet: skipped, not a breach.

// Check budget.
const breaches = monitor.checkBudgets(BUDGETS);
for (const b of breaches) {
  console.log(`⚠️ ${b.name} exceeded budget: ${b.actualSeconds.toFixed(2)}s > ${b.budgetSeconds}s`);
}
assert.equal(breaches.length, 1);
assert.equal(breaches[0]!.name, 'api_request');
assert.equal(breaches[0]!.statistic, 'avg');
assert.ok(Math.abs(breaches[0]!.actualSeconds - 1.2666666666666666) < 1e-12);

// Budgets on tail latency too: the p99 of database_query must stay under 0.15 s.
const tail = monitor.checkBudgets({ database_query: { avg: 0.5, p99: 0.15 } });
assert.deepEqual(
  tail.map((b) => [b.name, b.statistic]),
  [['database_query', 'p99']],
);
console.log(`database_query p99 ${tail[0]!.actualSeconds.toFixed(3)}s > 0.15s budget`);

// The same numbers for Prometheus scraping.
const text = monitor.toPrometheus();
assert.match(text, /autodev_operation_duration_seconds_count\{operation="api_request"\} 3/);
