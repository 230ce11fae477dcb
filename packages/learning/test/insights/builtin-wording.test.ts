import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { anomalyInsights, budgetInsights, lintInsight, shiftInsight, type MetricView } from '../../src/insights/builtin-rules.js';
import { builtinInsightsFor } from '../../src/insights/insight-engine.js';
import type { InsightDetectors } from '../../src/insights/internal/detector-types.js';
import { defaultDetectors } from '../../src/insights/internal/detectors.js';
import { EMPTY_POLICY, type LearningPolicy } from '../../src/insights/policy.js';
import { MetricsTracker } from '../../src/metrics-tracker.js';

const view = (name: string, values: number[]): MetricView => ({
  name,
  values,
  records: values.map((value, i) => ({ name, value, timestamp: i, metadata: {} })),
  polarity: 'lower',
  policy: {},
});

describe('shift rule: a step in a short history', () => {
  it('raises a regression with the change point’s calibrated confidence', async () => {
    // A counter clock: the change index depends on the stored order, which is timestamp order (not Date.now's).
    let clock = 1_700_000_000_000;
    const t = new MetricsTracker({ now: () => (clock += 1000) });
    for (const v of [15.1, 14.8, 15.2, 15.0, 14.9, 15.3, 24.1, 23.8, 24.2, 24.0, 23.9, 24.3]) await t.recordMetric('test_duration', v);
    const insights = await t.generateInsights({ minConfidence: 0 });
    const r = insights.find((i) => i.kind === 'regression');
    expect(r, JSON.stringify(insights)).toBeDefined();
    expect(r!.description).toMatch(/^test_duration rose \+60% since run 7 /);
    expect(r!.evidence.source).toBe('change-point');
    expect(r!.evidence.changeIndex).toBe(6);
    expect(r!.confidence).toBeGreaterThan(0.9);
    expect(r!.confidence).toBeLessThan(1);
  });

  it('calls a drop of a higher-is-better metric a regression and of a neutral one a change', () => {
    const values = [80.1, 79.8, 80.2, 80.0, 79.9, 80.3, 70.1, 69.8, 70.2, 70.0, 69.9, 70.3];
    const coverage = shiftInsight({ ...view('coverage', values), polarity: 'higher' }, defaultDetectors);
    expect(coverage?.kind).toBe('regression');
    expect(coverage?.description).toContain('fell');
    expect(shiftInsight({ ...view('widgets', values), polarity: 'neutral' }, defaultDetectors)?.kind).toBe('change');
  });

  it('reports the step as established once its new level is the regression baseline, up to 30 runs, then stays quiet', () => {
    const level = (v: number, n: number) => Array.from({ length: n }, (_, i) => v + (i % 3) * 0.1);
    const values = [...level(15, 8), ...level(24, 14)];
    expect(defaultDetectors.shift(values)).toMatchObject({ source: 'established', changeIndex: 8, currentN: 14, baselineN: 8, direction: 'increase' });
    const s = shiftInsight(view('test_duration', values), defaultDetectors)!;
    expect(s.kind).toBe('regression');
    expect(s.description).toMatch(/^test_duration rose \+60% at run 9 and has stayed there for 14 runs \(median 15\.1 → 24\.1, change point p = .*, 8 runs before\): a regression; new runs are now checked against the new level$/);
    expect(s.suggestedAction).toMatch(/^If the change at run 9 was not intended: /);
    expect(defaultDetectors.shift([...level(15, 8), ...level(24, 30)])?.source).toBe('established');
    expect(defaultDetectors.shift([...level(15, 8), ...level(24, 31)])).toBeUndefined();
  });
});

describe('wording with a zero baseline or a zero spread', () => {
  it('says "from 0 to N" when the baseline median is 0', () => {
    const stub: InsightDetectors = {
      ...defaultDetectors,
      shift: () => ({ direction: 'increase', pValue: 0.001, confidence: 0.9, baselineMedian: 0, currentMedian: 0, baselineN: 20, currentN: 3, relativeChange: Number.NaN, changeIndex: 20 }),
    };
    const s = shiftInsight(view('lint_errors', [...Array<number>(20).fill(0), 0, 0, 4]), stub)!;
    expect(s.description).toContain('lint_errors rose from 0 to 4 in the latest 3 runs');
    expect(s.description).not.toMatch(/n\/a|0 → 0,/);
  });

  it('says every earlier run was exactly X, and the p of the count model, instead of an infinite z', () => {
    const [a] = anomalyInsights(view('lint_errors', [...Array<number>(20).fill(0), 3]), defaultDetectors);
    expect(a!.description).toBe('latest lint_errors = 3 is an outlier (above the usual 0: every earlier run was exactly 0; p = 3.4e-5 by a count model)');
    expect(a!.evidence).toMatchObject({ model: 'count' });
  });

  it('gives the robust z and "p < 1e-16" when only the p-value underflowed, not a zero-spread sentence', () => {
    const values = [...Array.from({ length: 30 }, (_, i) => 120 + ((i * 37) % 11) / 5), 360];
    const [a] = anomalyInsights(view('build_time', values), defaultDetectors);
    expect(a!.description).toMatch(/^latest build_time = 360 is an outlier \(above the usual 121, robust z = \d+\.\d, p < 1e-16\)$/);
    const [settled] = anomalyInsights(view('build_time', [...values, 120.8]), defaultDetectors);
    expect(settled!.description).toMatch(/^run 31 of build_time was a one-off spike: 360 \(above the usual 121, robust z = \d+\.\d, p < 1e-16\); the next run was back at 120\.8$/);
  });
});

const series = fc.oneof(
  fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 40 }),
  fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { maxLength: 40 }),
  fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 8 }), fc.double({ min: -5, max: 50, noNaN: true })).map(([n, k, v]) => [
    ...Array<number>(n).fill(0),
    ...Array<number>(k).fill(v),
  ]),
);

describe('descriptions never leak NaN, Infinity, n/a or undefined', () => {
  test.prop([series, fc.constantFrom('lint_errors', 'test_duration', 'coverage'), fc.double({ min: -10, max: 60, noNaN: true })], { numRuns: 80 })(
    'on random series with budgets',
    (values, name, limit) => {
      const policy: LearningPolicy = { ...EMPTY_POLICY, metrics: { [name]: name === 'coverage' ? { min: limit } : { max: limit } } };
      for (const i of builtinInsightsFor(name, values, { policy })) {
        for (const text of [i.description, i.suggestedAction]) expect(text).not.toMatch(/NaN|Infinity|n\/a|undefined/);
      }
    },
  );
});

describe('wording of facts', () => {
  it('counts lint problems in the singular for 1', () => {
    expect(lintInsight(view('lint_errors', [0, 1]))!.description).toBe('1 lint error in the latest run');
    expect(lintInsight(view('eslint_warnings', [0, 3]))!.description).toBe('3 eslint warnings in the latest run');
  });

  it('asks to bring a metric back within its budget, also a budget of 0', () => {
    const [b] = budgetInsights({ ...view('lint_errors', [0, 2]), policy: { max: 0 } });
    expect(b!.suggestedAction).toMatch(/^Bring lint_errors back to ≤ 0: /);
    const [c] = budgetInsights({ ...view('coverage_percent', [85, 70]), policy: { min: 80 } });
    expect(c!.suggestedAction).toMatch(/^Bring coverage_percent back to ≥ 80: /);
  });
});
