import { describe, expect, it } from 'vitest';
import { LearningInsight, runInsightEngine } from '../src/insights/index.js';
import { createMemoryStore } from '../src/memory-store.js';
import { MetricsTracker } from '../src/metrics-tracker.js';
import type { MetricStore } from '../src/store.js';

const clock = (start = Date.UTC(2026, 0, 1)) => {
  let t = start;
  return () => (t += 1000);
};

describe('MetricsTracker: recording', () => {
  it('records in memory by default and reads back oldest first', async () => {
    const tracker = new MetricsTracker({ now: clock() });
    const r = await tracker.recordMetric('test_duration', 12.5, { suite: 'integration', branch: 'main' });
    expect(r).toMatchObject({ name: 'test_duration', value: 12.5, metadata: { suite: 'integration', branch: 'main' } });
    await tracker.recordMetric('build_time', 120.5);
    await tracker.recordMetric('test_duration', 13.1, {}, { timestamp: '2020-01-01T00:00:00Z' });
    const all = await tracker.getMetrics();
    expect(all.map((x) => x.value)).toEqual([13.1, 12.5, 120.5]);
    expect((await tracker.getMetrics('test_duration')).map((x) => x.value)).toEqual([13.1, 12.5]);
    expect(await tracker.names()).toEqual(['build_time', 'test_duration']);
    expect((await tracker.getMetrics('test_duration', { where: { branch: 'main' } })).length).toBe(1);
    expect((await tracker.getMetrics('test_duration', { order: 'desc', limit: 1 }))[0]!.value).toBe(12.5);
  });

  it('accepts timestamps as ms, Date and ISO strings', async () => {
    const tracker = new MetricsTracker();
    const a = await tracker.recordMetric('m', 1, undefined, { timestamp: 1_700_000_000_123 });
    const b = await tracker.recordMetric('m', 1, undefined, { timestamp: new Date(1_700_000_000_456) });
    const c = await tracker.recordMetric('m', 1, undefined, { timestamp: '2023-11-14T22:13:20.789Z' });
    expect([a.timestamp, b.timestamp, c.timestamp]).toEqual([1_700_000_000_123, 1_700_000_000_456, 1_700_000_000_789]);
  });

  it('rejects invalid records with INVALID_RECORD and writes nothing', async () => {
    const tracker = new MetricsTracker();
    await expect(tracker.recordMetric('test_duration', NaN)).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    await expect(tracker.recordMetric('', 1)).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expect(tracker.recordMetric('x', 1, circular as never)).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    await expect(tracker.recordMetric('x', 1, {}, { timestamp: 'yesterday' })).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    expect(await tracker.getMetrics()).toEqual([]);
  });

  it('recordMetrics is all-or-nothing and names the bad record', async () => {
    const tracker = new MetricsTracker();
    const bad = tracker.recordMetrics([
      { name: 'a', value: 1 },
      { name: 'b', value: Infinity },
    ]);
    await expect(bad).rejects.toMatchObject({ code: 'INVALID_RECORD', message: expect.stringContaining('records[1]') as unknown });
    expect(await tracker.getMetrics()).toEqual([]);
    const ok = await tracker.recordMetrics([
      { name: 'a', value: 1 },
      { name: 'b', value: 2, timestamp: 5 },
    ]);
    expect(ok).toHaveLength(2);
    expect(await tracker.getMetrics()).toHaveLength(2);
  });

  it('validates options and arguments', async () => {
    expect(() => new MetricsTracker({ storage: {} as MetricStore })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const tracker = new MetricsTracker();
    await expect(tracker.analyzeTrends('m', { windowSize: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(tracker.analyzeTrends('m', { windowSize: 2.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(tracker.getMetrics('m', { limit: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(tracker.analyzeTrends('')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('rejects with STORE_CLOSED after close', async () => {
    const tracker = new MetricsTracker();
    await tracker.close();
    await tracker.close();
    await expect(tracker.recordMetric('m', 1)).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });
});

describe('MetricsTracker: analyzeTrends', () => {
  it('analyzes the newest windowSize points (10 by default)', async () => {
    const tracker = new MetricsTracker({ now: clock() });
    for (let i = 0; i < 30; i++) await tracker.recordMetric('test_duration', i < 20 ? 50 - i : 10 + i);
    const t = await tracker.analyzeTrends('test_duration');
    expect(t.count).toBe(30);
    expect(t.window).toBe(10);
    expect(t.values).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
    expect(t.trendDirection).toBe(1);
    expect(t.slope).toBe(1);
    const all = await tracker.analyzeTrends('test_duration', { windowSize: 0 });
    expect(all.window).toBe(30);
    expect((await tracker.analyzeTrends('test_duration', { windowSize: Infinity })).window).toBe(30);
    const first = await tracker.analyzeTrends('test_duration', { windowSize: 25 });
    expect(first.values[0]).toBe(45);
  });

  it('filters by metadata', async () => {
    const tracker = new MetricsTracker({ now: clock() });
    for (let i = 0; i < 8; i++) {
      await tracker.recordMetric('build_time', 100 + i, { branch: 'main' });
      await tracker.recordMetric('build_time', 200 - i, { branch: 'feature' });
    }
    expect((await tracker.analyzeTrends('build_time', { where: { branch: 'main' } })).trendDirection).toBe(1);
    expect((await tracker.analyzeTrends('build_time', { where: { branch: 'feature' } })).trendDirection).toBe(-1);
  });

  it('says when there is not enough data', async () => {
    const tracker = new MetricsTracker();
    await tracker.recordMetric('coverage_percent', 90);
    await tracker.recordMetric('coverage_percent', 91);
    const t = await tracker.analyzeTrends('coverage_percent');
    expect(t).toMatchObject({ sufficient: false, trendDirection: 0, pValue: 1, count: 2, reason: 'need at least 5 points, have 2' });
    const none = await tracker.analyzeTrends('never_recorded');
    expect(none).toMatchObject({ sufficient: false, count: 0, window: 0 });
  });
});

describe('MetricsTracker: insights, rules and compare', () => {
  it('generateInsights runs the insight engine with the tracker policy, polarity and rules', async () => {
    const policy = { performance: { test_duration_max: 60 } };
    const tracker = new MetricsTracker({ now: clock(), policy, polarity: { custom_metric: 'higher' } });
    for (const v of [10.1, 9.9, 10.0, 10.2, 9.8, 10.1, 10.0, 9.9, 10.1, 10.0, 9.9, 10.2, 70]) await tracker.recordMetric('test_duration', v);
    await tracker.recordMetric('custom_metric', 1);
    const fixed = () => Date.UTC(2030, 0, 1);
    const direct = await runInsightEngine(tracker, { minConfidence: 0, policy: tracker.policy, polarity: tracker.polarity, now: fixed });
    const viaTracker = await new MetricsTracker({ storage: tracker.storage, now: fixed, policy, polarity: { custom_metric: 'higher' } }).generateInsights({ minConfidence: 0 });
    expect(viaTracker.map((i) => i.toJSON())).toEqual(direct.map((i) => i.toJSON()));
    // The budget breach (70 > 60) is a fact: confidence 1, first.
    expect(viaTracker[0]).toMatchObject({ metric: 'test_duration', confidence: 1 });
    // The default minConfidence (0.5) hides the "need more data" insight of custom_metric.
    expect((await tracker.generateInsights()).some((i) => i.metric === 'custom_metric')).toBe(false);
    expect((await tracker.generateInsights({ minConfidence: 0 })).some((i) => i.metric === 'custom_metric')).toBe(true);
    await expect(tracker.generateInsights({ minConfidence: 2 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it("supports the guide's CustomMetricsTracker subclass as written", async () => {
    class CustomMetricsTracker extends MetricsTracker {
      override async generateInsights() {
        const insights = await super.generateInsights();
        const memoryMetrics = await this.getMetrics('memory_usage');
        if (memoryMetrics.length >= 5) {
          const trends = await this.analyzeTrends('memory_usage');
          if (trends.mean > 1000) {
            insights.push(
              new LearningInsight({
                category: 'resource',
                description: 'High memory usage detected',
                confidence: 0.85,
                suggestedAction: 'Profile memory usage',
              }),
            );
          }
        }
        return insights;
      }
    }
    const tracker = new CustomMetricsTracker({ now: clock() });
    for (const v of [1200, 1210, 1190, 1205, 1195]) await tracker.recordMetric('memory_usage', v);
    const insights = await tracker.generateInsights();
    expect(insights.some((i) => i.description === 'High memory usage detected')).toBe(true);
  });

  it('addRule registers a custom rule and chains', async () => {
    const tracker = new MetricsTracker({ now: clock() });
    const seen: string[] = [];
    const returned = tracker.addRule(async (ctx) => {
      seen.push(...ctx.names);
      const t = await ctx.analyzeTrends('memory_usage');
      return t.mean > 1000
        ? [new LearningInsight({ category: 'resource', description: 'High memory usage detected', confidence: 0.9, suggestedAction: 'Profile memory usage', metric: 'memory_usage' })]
        : [];
    });
    expect(returned).toBe(tracker);
    for (const v of [1500, 1510, 1490, 1505, 1495]) await tracker.recordMetric('memory_usage', v);
    const insights = await tracker.generateInsights();
    expect(seen).toEqual(['memory_usage']);
    expect(insights.map((i) => i.description)).toContain('High memory usage detected');
    expect(() => tracker.addRule('nope' as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('budgets from the guide-shaped policy become insights', async () => {
    const tracker = new MetricsTracker({ now: clock(), policy: { performance: { test_duration_max: 60, build_time_max: 300, cache_size: 100 } } });
    expect(tracker.policy.metrics.test_duration?.max).toBe(60);
    await tracker.recordMetric('test_duration', 75);
    const insights = await tracker.generateInsights();
    const breach = insights.find((i) => i.metric === 'test_duration');
    expect(breach?.confidence).toBe(1);
  });

  it('polarity overrides reach the registry', () => {
    const tracker = new MetricsTracker({ polarity: { bundle_kb: 'lower', cache_hit_ratio: 'higher' } });
    expect(tracker.polarity.polarityOf('cache_hit_ratio')).toBe('higher');
    expect(tracker.polarity.polarityOf('coverage_percent')).toBe('higher');
  });

  it('compare() contrasts two metadata groups', async () => {
    const tracker = new MetricsTracker({ now: clock() });
    const main = [12.1, 12.4, 11.9, 12.0, 12.3, 12.2, 11.8, 12.1, 12.0, 12.2];
    for (const v of main) {
      await tracker.recordMetric('test_duration', v, { branch: 'main' });
      await tracker.recordMetric('test_duration', v * 1.25, { branch: 'feature' });
    }
    const c = await tracker.compare('test_duration', { branch: 'main' }, { branch: 'feature' });
    expect(c.nA).toBe(10);
    expect(c.nB).toBe(10);
    expect(c.verdict).toBe('b-higher');
    expect(c.shift).toBeGreaterThan(2.5);
    expect(c.pValue).toBeLessThan(0.001);
  });

  it('uses the injected store', async () => {
    const storage = createMemoryStore();
    const tracker = new MetricsTracker({ storage });
    expect(tracker.storage).toBe(storage);
    await tracker.recordMetric('m', 1);
    expect(await storage.query({ name: 'm' })).toHaveLength(1);
  });
});
