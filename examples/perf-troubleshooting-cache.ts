// The guide's troubleshooting cases "Cache not improving performance" and "High memory usage".
import assert from 'node:assert/strict';
import { cached } from '@autodev/performance';

// Issue: Cache not improving performance. Solution: check the hit rate (the guide's my_function._cache).
const myFunction = cached({ maxSize: 100 })((x: number) => x * 2);
myFunction(1);
myFunction(1);
const cache = myFunction.cache;
console.log(`Cache size: ${cache.size}, stats:`, cache.stats);
assert.equal(cache.size, 1);
assert.deepEqual(cache.stats, { hits: 1, misses: 1, evictions: 0 });

// A common cause of a 0% hit rate: object arguments are compared by identity, and every call builds a new one.
interface Query {
  table: string;
  id: number;
}
let computed = 0;
const byIdentity = cached({ maxSize: 100 })((q: Query) => (computed++, `${q.table}/${q.id}`));
byIdentity({ table: 'users', id: 1 });
byIdentity({ table: 'users', id: 1 });
console.log('objects by identity:', byIdentity.cache.stats);
assert.equal(byIdentity.cache.stats.hits, 0);
assert.equal(computed, 2);

// Fix: give a key function that says which fields matter.
computed = 0;
const byKey = cached({ maxSize: 100, key: (q: Query) => `${q.table}/${q.id}` })((q: Query) => (computed++, `${q.table}/${q.id}`));
byKey({ table: 'users', id: 1 });
byKey({ table: 'users', id: 1 });
console.log('with key():', byKey.cache.stats);
assert.equal(byKey.cache.stats.hits, 1);
assert.equal(computed, 1);

// Another cause: the cache is smaller than the working set, so entries are evicted before they are reused.
const tooSmall = cached({ maxSize: 10 })((x: number) => x);
for (let round = 0; round < 3; round++) for (let x = 0; x < 20; x++) tooSmall(x);
console.log('maxSize 10, working set 20:', tooSmall.cache.stats);
assert.equal(tooSmall.cache.stats.hits, 0);
assert.equal(tooSmall.cache.stats.evictions, 50);

// Issue: High memory usage. Solution: clear caches periodically...
const bigValues = cached({ maxSize: 100 })((n: number) => new Array<number>(10_000).fill(n));
for (let n = 0; n < 100; n++) bigValues(n);
assert.equal(bigValues.cache.size, 100);
bigValues.cache.clear(); // the guide's my_function._cache.clear()
assert.equal(bigValues.cache.size, 0);

// ...or set a smaller maxSize: memory is bounded by maxSize entries whatever the traffic.
const smaller = cached({ maxSize: 50 })((n: number) => new Array<number>(10_000).fill(n)); // reduced from 100
for (let n = 0; n < 1000; n++) smaller(n);
assert.equal(smaller.cache.size, 50);
console.log(`after clear(): size 0; maxSize 50 after 1000 distinct calls: size ${String(smaller.cache.size)}`);
