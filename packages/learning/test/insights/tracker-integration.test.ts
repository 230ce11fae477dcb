import { describe, expect, it } from 'vitest';
import { MetricsTracker, type GenerateInsightsOptions } from '../../src/metrics-tracker.js';
import { FeedbackLoop } from '../../src/insights/feedback-loop.js';
import { LearningInsight } from '../../src/insights/learning-insight.js';
import type { InsightRule } from '../../src/insights/insight-rule.js';
import { noisy } from './helpers.js';

// The guide's "Custom Insight Rules", translated line by line (async, camelCase).
class CustomMetricsTracker extends MetricsTracker {
  override async generateInsights(options?: GenerateInsightsOptions): Promise<LearningInsight[]> {
    const insights = await super.generateInsights(options);

    // Add custom rule
    const memoryMetrics = await this.getMetrics('memory_usage');
    if (memoryMetrics.length >= 5) {
      const trends = await this.analyzeTrends('memory_usage');
      if (trends.mean > 1000) {
        // MB
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

describe('MetricsTracker + insights', () => {
  it('runs the guide’s CustomMetricsTracker subclass as written', async () => {
    const tracker = new CustomMetricsTracker();
    for (const mb of [1180, 1210, 1195, 1230]) await tracker.recordMetric('memory_usage', mb);
    expect((await tracker.generateInsights()).some((i) => i.description === 'High memory usage detected')).toBe(false); // 4 points: rule waits
    await tracker.recordMetric('memory_usage', 1205);
    const insights = await tracker.generateInsights();
    expect(insights.find((i) => i.description === 'High memory usage detected')).toMatchObject({ category: 'resource', confidence: 0.85, kind: 'custom' });
    // Below 1000 MB the custom rule stays quiet.
    const low = new CustomMetricsTracker();
    for (const mb of [400, 410, 405, 420, 415]) await low.recordMetric('memory_usage', mb);
    expect((await low.generateInsights()).some((i) => i.kind === 'custom')).toBe(false);
  });

  it('runs rules registered with addRule, with a typed context', async () => {
    const tracker = new MetricsTracker();
    const seen: number[] = [];
    const rule: InsightRule<MetricsTracker> = async (ctx) => {
      const trends = await ctx.analyzeTrends('memory_usage');
      seen.push(trends.count);
      return [new LearningInsight({ category: 'resource', description: `mean ${trends.mean}`, confidence: 0.9, suggestedAction: 'x', metric: 'memory_usage' })];
    };
    expect(tracker.addRule(rule)).toBe(tracker);
    for (const mb of [100, 200, 300]) await tracker.recordMetric('memory_usage', mb);
    const insights = await tracker.generateInsights();
    expect(seen).toEqual([3]);
    expect(insights.map((i) => i.description)).toEqual(['mean 200']);
  });

  it('uses the tracker’s policy and polarity in generateInsights and in a FeedbackLoop', async () => {
    let clock = 1_700_000_000_000;
    const tracker = new MetricsTracker({
      now: () => (clock += 1000),
      policy: { performance: { test_duration_max: 60 } },
      polarity: { deploy_count: 'higher' },
    });
    const loop = new FeedbackLoop(tracker, { now: () => (clock += 1000) });
    const first = await loop.evaluateIteration({ test_duration: 72, deploy_count: 3 }, { branch: 'main' });
    expect(first.map((i) => [i.kind, i.metric, i.confidence])).toEqual([['budget-breach', 'test_duration', 1]]);
    const records = await tracker.getMetrics();
    expect(records.filter((r) => !r.name.startsWith('autodev.')).map((r) => r.timestamp)).toEqual([records[0]!.timestamp, records[0]!.timestamp]);
    for (const v of noisy(30, 5, 0.02, 1)) await loop.evaluateIteration({ deploy_count: v });
    const drop = [];
    for (const v of noisy(5, 3, 0.02, 2)) drop.push(...(await loop.evaluateIteration({ deploy_count: v })));
    // Higher is better for deploy_count (configured on the tracker), so the drop is a regression.
    expect(drop.some((i) => i.kind === 'regression' && i.metric === 'deploy_count')).toBe(true);
    expect((await tracker.generateInsights()).some((i) => i.kind === 'regression' && i.metric === 'deploy_count')).toBe(true);
  });
});
