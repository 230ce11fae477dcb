// Quantile accuracy on 10,000,000 seeded lognormal samples (median 10 ms, sigma 1), against the exact
// order statistic x₍⌊q·(n−1)⌋₎. Exits non-zero if ours misses the 1% relative-error goal.
//   node --import tsx bench/quantile-accuracy.ts
import { DDSketch } from '@datadog/sketches-js';
import * as hdr from 'hdr-histogram-js';
import { PerformanceMonitor } from '../src/performance-monitor.js';
import { lognormal } from './support.js';

const N = 10_000_000;
const values = lognormal(N, Math.log(0.01), 1, 2024);
const monitor = PerformanceMonitor.isolated();
const dd = new DDSketch({ relativeAccuracy: 0.01 });
await hdr.initWebAssembly();
const h = hdr.build({ useWebAssembly: true, lowestDiscernibleValue: 1, highestTrackableValue: 3.6e12, numberOfSignificantValueDigits: 2 });
for (let i = 0; i < N; i++) {
  const v = values[i]!;
  monitor.recordOperation('op', v);
  dd.accept(v);
  h.recordValue(Math.max(1, Math.round(v * 1e9)));
}
const sorted = values.slice().sort();
const exact = (q: number): number => sorted[Math.floor(q * (N - 1))]!;
const stats = monitor.getStats('op')!;
const ours: Record<string, number> = { p50: stats.p50, p90: stats.p90, p95: stats.p95, p99: stats.p99 };
const qs: [string, number][] = [
  ['p50', 0.5],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
];
const rel = (a: number, b: number): string => `${((Math.abs(a - b) / b) * 100).toFixed(3)}%`;
console.log(`| quantile (n = ${N.toLocaleString('en-US')}) | exact | @autodev/performance | DDSketch(1%) | hdr-histogram-js (2 digits) |`);
console.log('|---|---:|---:|---:|---:|');
let worst = 0;
for (const [name, q] of qs) {
  const e = exact(q);
  worst = Math.max(worst, Math.abs(ours[name]! - e) / e);
  console.log(`| ${name} | ${e.toPrecision(6)} s | ${rel(ours[name]!, e)} | ${rel(dd.getValueAtQuantile(q), e)} | ${rel(h.getValueAtPercentile(q * 100) / 1e9, e)} |`);
}
console.log(`\nmean exact: ${stats.avg === values.reduce((a, b) => a + b, 0) / N ? 'equal' : `within ${rel(stats.avg, values.reduce((a, b) => a + b, 0) / N)}`}; worst quantile error ${(worst * 100).toFixed(3)}%`);
h.destroy();
if (worst > 0.01) {
  console.error('FAIL: a quantile is off by more than 1%');
  process.exit(1);
}
