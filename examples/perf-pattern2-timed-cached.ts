// The guide's "Pattern 2: Performance Optimization": timed + cached + the shared monitor.
import assert from 'node:assert/strict';
import { PerformanceMonitor, cached, getCache, timed } from '@autodev/performance';

const monitor = new PerformanceMonitor(); // the shared instance, the one timed records into
assert.equal(monitor, PerformanceMonitor.global);

let requests = 0;
async function fakeHttpGet(endpoint: string): Promise<{ endpoint: string; users: string[] }> {
  requests++;
  await new Promise((resolve) => setTimeout(resolve, 20)); // an "expensive API call"
  return { endpoint, users: ['ada', 'grace'] };
}

// Wrapper form: timed outside, cached inside, as the guide stacks the decorators.
const fetchData = timed('api_request')(cached({ maxSize: 50 })(fetchDataImpl));
async function fetchDataImpl(endpoint: string) {
  return fakeHttpGet(endpoint);
}

// Use normally: automatically profiled and cached. Concurrent calls share one in-flight request.
const [a, b] = await Promise.all([fetchData('/api/users'), fetchData('/api/users')]);
const c = await fetchData('/api/users');
assert.deepEqual(a, c);
assert.equal(a, b);
assert.equal(requests, 1, 'one real request for three calls');

// Check performance.
const stats = monitor.getStats('api_request');
assert.ok(stats, 'api_request was recorded');
assert.equal(stats.count, 3);
console.log(`api_request: count ${stats.count}, avg ${(stats.avg * 1000).toFixed(2)} ms, p99 ${(stats.p99 * 1000).toFixed(2)} ms`);
if (stats.avg > 1.0) console.log('Warning: API calls are slow');
console.log('cache stats:', fetchData.cache.stats);
assert.deepEqual(fetchData.cache.stats, { hits: 2, misses: 1, evictions: 0 });

// Decorator form (standard TC39 decorators, no experimentalDecorators).
class UserApi {
  calls = 0;
  @timed('user_api_get')
  @cached({ maxSize: 100 })
  async get(id: number): Promise<{ id: number }> {
    this.calls++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    return { id };
  }
}
const api = new UserApi();
await api.get(1);
await api.get(1);
await api.get(2);
assert.equal(api.calls, 2);
assert.equal(monitor.getStats('user_api_get')?.count, 3);
assert.deepEqual(getCache(api.get, api)?.stats, { hits: 1, misses: 2, evictions: 0 });
console.log('decorated method: 3 calls, 2 computed, 1 served from the per-instance cache');
