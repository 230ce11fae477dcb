import { describe, expect, it } from 'vitest';
import { LearningInsight } from '../../src/insights/learning-insight.js';
import { suggestFromInsights } from '../../src/insights/suggestions.js';

// A calibrated confidence of 0.996 read "(confidence 1.00)" in a suggestion's reason, as if the finding were certain.
describe('suggestion reasons', () => {
  const insight = (kind: 'regression' | 'budget-breach', confidence: number) =>
    new LearningInsight({ kind, category: 'performance', metric: 'build_time', description: 'build_time rose', confidence, suggestedAction: 'look' });

  it('show a statistical finding from 0.995 up as "> 0.99" and a fact (a budget breach) as 1.00', () => {
    const [regression] = suggestFromInsights([insight('regression', 0.996)], {}, { latest: {} });
    expect(regression!.reason).toBe('build_time rose (confidence > 0.99)');
    const [breach] = suggestFromInsights([insight('budget-breach', 1)], {}, { latest: {} });
    expect(breach!.reason).toBe('build_time rose (confidence 1.00)');
    const [usual] = suggestFromInsights([insight('regression', 0.87)], {}, { latest: {} });
    expect(usual!.reason).toBe('build_time rose (confidence 0.87)');
  });
});
