import { createMemoryStore } from '../../src/memory-store.js';
import type { MetricRecord } from '../../src/record.js';
import { validateRecord } from '../../src/record.js';
import type { InsightTracker } from '../../src/insights/insight-rule.js';

/** Deterministic PRNG (mulberry32) so every series is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws (Box–Muller) from a seeded PRNG. */
export function gauss(seed: number): () => number {
  const u = rng(seed);
  return () => Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
}

/** `n` values around `level` with noise of `cv` × level. */
export function noisy(n: number, level: number, cv: number, seed: number): number[] {
  const g = gauss(seed);
  return Array.from({ length: n }, () => level * (1 + cv * g()));
}

/**
 * A tracker-shaped object over the memory store, for testing rules without MetricsTracker.
 * Records get timestamps 1000, 2000, ... in the order given.
 */
export async function seriesTracker(series: Record<string, readonly number[]>): Promise<InsightTracker & { records: MetricRecord[] }> {
  const store = createMemoryStore();
  let t = 0;
  const records: MetricRecord[] = [];
  for (const [name, values] of Object.entries(series)) for (const value of values) records.push(validateRecord({ name, value, timestamp: (t += 1000) }));
  // Interleave by index so each metric's points are in time order whatever the metric order.
  await store.append(records);
  return {
    records,
    getMetrics: ((name?: string) => store.query(name === undefined ? {} : { name })),
    analyzeTrends: async (name: string) => {
      const values = (await store.query({ name })).map((r) => r.value);
      return { count: values.length, mean: values.reduce((a, b) => a + b, 0) / Math.max(1, values.length) };
    },
    names: () => store.names(),
  };
}

/** A minimal recording tracker over the memory store (what FeedbackLoop needs), for tests. */
export function memoryTracker() {
  const store = createMemoryStore();
  return {
    store,
    async recordMetric(name: string, value: number, metadata?: Record<string, never>, options: { timestamp?: number } = {}) {
      await store.append([validateRecord({ name, value, ...(metadata ? { metadata } : {}), ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }) })]);
    },
    getMetrics: ((name?: string) => store.query(name === undefined ? {} : { name })) as InsightTracker['getMetrics'],
    analyzeTrends: async () => ({}),
    names: () => store.names(),
  };
}
