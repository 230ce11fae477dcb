/**
 * Insight engine cost: every built-in rule over 100 metrics, at 1,000 and 10,000 points per metric.
 * The ratio of the two sizes shows the growth with points (n log n predicts 10 × log(10⁴)/log(10³) ≈ 13.3×).
 * Run: pnpm bench -- insights   (2-core CI VM, Node 20.20; numbers in docs/insights.md)
 */
import { bench, describe } from 'vitest';
import { generateCiSeries } from '../src/detection/synthetic.js';
import { runInsightEngine } from '../src/insights/insight-engine.js';
import type { InsightTracker } from '../src/insights/insight-rule.js';
import { parsePolicy } from '../src/insights/policy.js';
import { createMemoryStore } from '../src/memory-store.js';
import { validateRecord, type MetricRecord } from '../src/record.js';

const METRICS = 100;
const NAMES = ['test_duration', 'build_time', 'api_latency', 'memory_usage', 'bundle_size'];

async function trackerWith(points: number): Promise<InsightTracker> {
  const store = createMemoryStore();
  const records: MetricRecord[] = [];
  for (let m = 0; m < METRICS; m++) {
    // Stable, step and drift series with realistic noise, from the detection module's labelled generator.
    const s = generateCiSeries({ seed: 1000 + m, length: points, changeAt: Math.floor(points * 0.9) });
    const name = `${NAMES[m % NAMES.length]!}_${m}`;
    s.values.forEach((value, i) => records.push(validateRecord({ name, value, timestamp: 1_700_000_000_000 + i * 60_000 })));
  }
  await store.append(records);
  return {
    getMetrics: ((name?: string) => store.query(name === undefined ? {} : { name })),
    analyzeTrends: () => Promise.resolve({}),
    names: () => store.names(),
  };
}

// Budgets on every fifth metric so the forecast rule (Holt over the whole history) runs too.
const policy = parsePolicy({ metrics: Object.fromEntries(Array.from({ length: METRICS / 5 }, (_, k) => [`test_duration_${k * 5}`, { max: 1e6 }])) });
const small = await trackerWith(1_000);
const large = await trackerWith(10_000);

describe('generateInsights: 100 metrics, all built-in rules', () => {
  bench('1,000 points per metric', async () => {
    await runInsightEngine(small, { policy, minConfidence: 0 });
  }, { time: 0, iterations: 5, warmupIterations: 1 });
  bench('10,000 points per metric', async () => {
    await runInsightEngine(large, { policy, minConfidence: 0 });
  }, { time: 0, iterations: 5, warmupIterations: 1 });
});
