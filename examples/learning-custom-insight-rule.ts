// The guide's Advanced Topic "Custom Insight Rules": extend MetricsTracker.generateInsights() in a
// subclass, exactly as the guide writes it — and the simpler way, tracker.addRule(rule).
import assert from 'node:assert/strict';
import { LearningInsight, MetricsTracker, type GenerateInsightsOptions, type InsightRule } from '@autodev/learning';

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

const tracker = new CustomMetricsTracker();
for (const mb of [1180, 1210, 1195, 1230, 1205, 1190]) await tracker.recordMetric('memory_usage', mb);
const insights = await tracker.generateInsights();
for (const insight of insights) console.log(`[${insight.category}] ${insight.description} → ${insight.suggestedAction}`);
assert.ok(insights.some((i) => i.description === 'High memory usage detected' && i.category === 'resource'));

// The simpler way: a rule function registered on any tracker. Rules see the context
// (series, analyzeTrends, polarity, policy) and may compute their confidence from data.
const highMemory: InsightRule<MetricsTracker> = async (ctx) => {
  const points = await ctx.series('memory_usage');
  if (points.length < 5) return [];
  const above = points.filter((p) => p.value > 1000).length;
  // Laplace's rule of succession: the probability the next run is also above 1000 MB.
  const confidence = (above + 1) / (points.length + 2);
  return above === 0
    ? []
    : [new LearningInsight({ category: 'resource', metric: 'memory_usage', description: `${above} of ${points.length} runs above 1000 MB`, confidence, suggestedAction: 'Profile memory usage', evidence: { n: points.length, above } })];
};
const plain = new MetricsTracker().addRule(highMemory);
for (const mb of [1180, 1210, 990, 1230, 1205, 1190]) await plain.recordMetric('memory_usage', mb);
const [custom] = (await plain.generateInsights()).filter((i) => i.metric === 'memory_usage' && i.kind === 'custom');
assert.ok(custom);
console.log(`[${custom.category}] ${custom.description} (confidence ${custom.confidence.toFixed(2)})`);
assert.equal(custom.confidence, 6 / 8);
