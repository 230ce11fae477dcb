/**
 * generateInsights cost (MetricsTracker on the memory store): every built-in rule over 100 metrics, at 1,000 and 10,000 points per metric.
 * The ratio of the two sizes with `maxHistory: Infinity` shows the growth of the rules with points (n log n
 * predicts 10 × log(10⁴)/log(10³) ≈ 13.3×); with the default `maxHistory` (1,000) the cost per metric is bounded.
 * Run: pnpm bench -- insights   (2-core CI VM, Node 20.20; numbers in docs/insights.md)
 */
import { bench, describe } from 'vitest';
import { generateCiSeries } from '../src/detection/synthetic.js';
import { runInsightEngine } from '../src/insights/insight-engine.js';
import { parsePolicy } from '../src/insights/policy.js';
import { MetricsTracker } from '../src/metrics-tracker.js';
import type { MetricRecordInput } from '../src/record.js';

const METRICS = 100;
const NAMES = ['test_duration', 'build_time', 'api_latency', 'memory_usage', 'bundle_size'];

// Budgets on every fifth metric so the forecast rule (exponential smoothing over the whole history) runs too.
const policy = parsePolicy({ metrics: Object.fromEntries(Array.from({ length: METRICS / 5 }, (_, k) => [`test_duration_${k * 5}`, { max: 1e6 }])) });

async function trackerWith(points: number): Promise<MetricsTracker> {
  const tracker = new MetricsTracker({ policy });
  const records: MetricRecordInput[] = [];
  for (let m = 0; m < METRICS; m++) {
    // Stable, step and drift series with realistic noise, from the detection module's labelled generator.
    const s = generateCiSeries({ seed: 1000 + m, length: points, changeAt: Math.floor(points * 0.9) });
    const name = `${NAMES[m % NAMES.length]!}_${m}`;
    s.values.forEach((value, i) => records.push({ name, value, timestamp: 1_700_000_000_000 + i * 60_000 }));
  }
  await tracker.recordMetrics(records);
  return tracker;
}

const small = await trackerWith(1_000);
const large = await trackerWith(10_000);

const opts = { time: 0, iterations: 3, warmupIterations: 1 };
describe('generateInsights: 100 metrics, all built-in rules', () => {
  bench('1,000 points per metric', async () => {
    await small.generateInsights({ minConfidence: 0 });
  }, opts);
  bench('10,000 points per metric (default maxHistory 1,000)', async () => {
    await large.generateInsights({ minConfidence: 0 });
  }, opts);
  // The whole history through every statistical rule: the growth of the rules themselves.
  bench('10,000 points per metric, maxHistory Infinity', async () => {
    await runInsightEngine(large, { minConfidence: 0, policy, polarity: large.polarity, maxHistory: Infinity });
  }, opts);
});
