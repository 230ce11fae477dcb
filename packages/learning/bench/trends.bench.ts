/**
 * analyzeTrends statistics on a 1,000,000-point window, as ratios to sorting a copy of the window
 * once (Float64Array.prototype.sort), measured in the same run. Goal: analyzeSeries ≤ 10× one sort.
 * Also the pieces (Mann–Kendall, Theil–Sen sampled / exact selection) and a 100,000-point window
 * where the slope is exact. Run: `pnpm --filter @autodev/learning bench trends` (numbers in README).
 */
import { bench, describe } from 'vitest';
import { mannKendall, theilSen } from '../src/stats/trend.js';
import { analyzeSeries } from '../src/trends.js';

// A slow drift under heavy-tailed noise with ties (values rounded to 0.01), like a CI duration.
function series(n: number, seed: number): Float64Array {
  let s = seed;
  const rnd = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const noise = (rnd() + rnd() + rnd() - 1.5) * 4 + (rnd() < 0.01 ? 50 * rnd() : 0);
    y[i] = Math.round((100 + i * 1e-5 + noise) * 100) / 100;
  }
  return y;
}

const opts = { time: 500, iterations: 3, warmupIterations: 1 };

describe('1,000,000-point window (ratio to one sort)', () => {
  const y = series(1_000_000, 42);
  bench('Float64Array sort of a copy (reference)', () => {
    Float64Array.from(y).sort();
  }, opts);
  bench('analyzeSeries (= analyzeTrends without the store)', () => {
    analyzeSeries(y);
  }, opts);
  bench('mannKendall (merge-sort S)', () => {
    mannKendall(y);
  }, opts);
  bench('theilSen, 4,000,000 sampled pairs', () => {
    theilSen(y, { sampleSize: 4_000_000 });
  }, opts);
});

describe('100,000-point window, exact Theil–Sen (ratio to one sort)', () => {
  const y = series(100_000, 7);
  bench('Float64Array sort of a copy (reference)', () => {
    Float64Array.from(y).sort();
  }, opts);
  bench('analyzeSeries (exact slope by randomized selection)', () => {
    analyzeSeries(y);
  }, opts);
});
