// The guide's "Cache Sizing": small, frequently accessed data gets a bigger cache than large, rarely
// accessed data. The stats tell whether a size is right.
import assert from 'node:assert/strict';
import { cached } from '@autodev/performance';

interface User {
  id: number;
  name: string;
}
interface Report {
  id: number;
  rows: number[];
}

// Small, frequently accessed data.
const getUser = cached({ maxSize: 100 })((userId: number): User => ({ id: userId, name: `user-${userId}` }));

// Large, infrequently accessed data: keep few, they are big.
const getReport = cached({ maxSize: 10 })((reportId: number): Report => ({ id: reportId, rows: new Array<number>(10_000).fill(reportId) }));

// A day of traffic: 80 active users requested over and over; 30 reports, each opened twice a day apart.
for (let round = 0; round < 20; round++) for (let u = 0; u < 80; u++) getUser(u);
for (let pass = 0; pass < 2; pass++) for (let r = 0; r < 30; r++) getReport(r);

const hitRate = (s: { hits: number; misses: number }) => s.hits / (s.hits + s.misses);
const users = getUser.cache.stats;
const reports = getReport.cache.stats;
console.log(`getUser   maxSize 100: hit rate ${(hitRate(users) * 100).toFixed(1)}%, size ${getUser.cache.size}, evictions ${users.evictions}`);
console.log(`getReport maxSize 10:  hit rate ${(hitRate(reports) * 100).toFixed(1)}%, size ${getReport.cache.size}, evictions ${reports.evictions}`);

// The working set (80 users) fits in 100: every repeat is a hit.
assert.equal(users.misses, 80);
assert.equal(users.evictions, 0);
assert.ok(hitRate(users) > 0.9);
// 30 reports cycled through 10 slots: LRU keeps none of them until they come back, so the cache only
// bounds memory (10 × 10,000 rows) — which is what "large, infrequently accessed" asks of it.
assert.equal(getReport.cache.size, 10);
assert.equal(reports.hits, 0);
assert.equal(reports.evictions, 50);
