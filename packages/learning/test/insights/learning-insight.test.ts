import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { compareInsights, LearningInsight } from '../../src/insights/learning-insight.js';

const base = { category: 'performance', description: 'Test execution time is increasing', confidence: 0.8, suggestedAction: 'Review test efficiency' };

describe('LearningInsight', () => {
  it('takes the guide’s four fields and defaults the rest', () => {
    const i = new LearningInsight(base);
    expect(i).toMatchObject({ ...base, kind: 'custom', metric: undefined, evidence: {} });
    expect(Object.isFrozen(i)).toBe(true);
    expect(Object.isFrozen(i.evidence)).toBe(true);
  });

  it('round-trips through JSON', () => {
    const i = new LearningInsight({ ...base, metric: 'test_duration', kind: 'trend', evidence: { n: 12, pValue: 0.01 } });
    expect(new LearningInsight(JSON.parse(JSON.stringify(i)))).toEqual(i);
  });

  it.each([-0.01, 1.01, Number.NaN, 85, '0.8' as unknown as number])('rejects confidence %s with INVALID_ARGUMENT', (confidence) => {
    expect(() => new LearningInsight({ ...base, confidence })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it.each(['category', 'description', 'suggestedAction'] as const)('rejects an empty %s', (field) => {
    expect(() => new LearningInsight({ ...base, [field]: ' ' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(field) }));
  });

  it('accepts the bounds 0 and 1', () => {
    expect(new LearningInsight({ ...base, confidence: 0 }).confidence).toBe(0);
    expect(new LearningInsight({ ...base, confidence: 1 }).confidence).toBe(1);
  });

  it('withConfidence copies and merges evidence', () => {
    const i = new LearningInsight({ ...base, evidence: { n: 3 } });
    const j = i.withConfidence(0.4, { statisticalConfidence: 0.8 });
    expect(j.confidence).toBe(0.4);
    expect(j.evidence).toEqual({ n: 3, statisticalConfidence: 0.8 });
    expect(i.confidence).toBe(0.8);
  });

  test.prop([fc.array(fc.record({ c: fc.double({ min: 0, max: 1, noNaN: true }), k: fc.constantFrom('regression', 'budget-breach', 'trend', 'custom', 'improvement') as fc.Arbitrary<'regression'> }), { maxLength: 30 })])(
    'compareInsights orders by confidence, then severity',
    (specs) => {
      const sorted = specs.map(({ c, k }) => new LearningInsight({ ...base, confidence: c, kind: k })).sort(compareInsights);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i - 1]!.confidence).toBeGreaterThanOrEqual(sorted[i]!.confidence);
    },
  );

  it('puts a budget breach before a regression of equal confidence', () => {
    const r = new LearningInsight({ ...base, confidence: 1, kind: 'regression' });
    const b = new LearningInsight({ ...base, confidence: 1, kind: 'budget-breach' });
    expect([r, b].sort(compareInsights)[0]).toBe(b);
  });
});
