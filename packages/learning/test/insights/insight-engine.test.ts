import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { runInsightEngine } from '../../src/insights/insight-engine.js';
import { LearningInsight } from '../../src/insights/learning-insight.js';
import { createPolarityRegistry } from '../../src/insights/polarity.js';
import { parsePolicy } from '../../src/insights/policy.js';
import type { InsightRule } from '../../src/insights/insight-rule.js';
import { categoryOf, isLintMetric } from '../../src/insights/builtin-rules.js';
import { noisy, seriesTracker } from './helpers.js';

const run = async (series: Record<string, number[]>, options: Parameters<typeof runInsightEngine>[1] = {}) =>
  runInsightEngine(await seriesTracker(series), { minConfidence: 0, ...options });

const stable = (level: number, seed: number, n = 30) => noisy(n, level, 0.02, seed);

describe('runInsightEngine: built-in rules on constructed series', () => {
  it('says how many points are missing, with confidence 0 (hidden by default)', async () => {
    const all = await run({ test_duration: [12, 13] });
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ kind: 'insufficient-data', category: 'data', metric: 'test_duration', confidence: 0, evidence: { n: 2, missing: 3 } });
    expect(all[0]!.description).toContain('3 more');
    expect(await runInsightEngine(await seriesTracker({ test_duration: [12, 13] }))).toEqual([]);
  });

  it('flags a step up in a lower-is-better metric as a regression with its numbers', async () => {
    const [i, ...rest] = await run({ test_duration: [...stable(10, 1), ...noisy(5, 12, 0.02, 2)] });
    expect(rest).toEqual([]);
    expect(i).toMatchObject({ kind: 'regression', metric: 'test_duration', category: 'performance' });
    expect(i!.confidence).toBeGreaterThanOrEqual(0.8);
    expect(i!.evidence.baselineMedian).toBeCloseTo(10, 0);
    expect(i!.evidence.currentMedian).toBeCloseTo(12, 0);
    expect(i!.evidence.relativeChange).toBeGreaterThan(0.15);
    expect(i!.evidence.pValue).toBeLessThan(0.001);
    expect(i!.description).toMatch(/test_duration rose \+\d+%/);
  });

  it('calls the same step an improvement when higher is better, and a change when neutral', async () => {
    const up = [...stable(80, 3), ...noisy(5, 88, 0.01, 4)];
    expect((await run({ coverage_percent: up }))[0]).toMatchObject({ kind: 'improvement', category: 'quality' });
    expect((await run({ deploys: up }))[0]).toMatchObject({ kind: 'change' });
    const overridden = await run({ deploys: up }, { polarity: createPolarityRegistry({ deploys: 'lower' }) });
    expect(overridden[0]).toMatchObject({ kind: 'regression' });
    const byPolicy = await run({ deploys: up }, { policy: parsePolicy({ metrics: { deploys: { direction: 'higher' } } }) });
    expect(byPolicy[0]).toMatchObject({ kind: 'improvement' });
  });

  it('ignores a significant change smaller than the policy tolerance', async () => {
    const up = [...stable(100, 5), ...noisy(5, 104, 0.005, 6)];
    expect((await run({ build_time: up }))[0]).toMatchObject({ kind: 'regression' });
    expect(await run({ build_time: up }, { policy: parsePolicy({ metrics: { build_time: { tolerance: 0.1 } } }) })).toEqual([]);
  });

  it('reports a slow drift as a trend, not as a step', async () => {
    const ramp = Array.from({ length: 40 }, (_, i) => 100 + i * 0.6 + (noisy(1, 1, 1, i)[0]! - 1));
    const [i, ...rest] = await run({ build_time: ramp });
    expect(rest).toEqual([]);
    expect(i).toMatchObject({ kind: 'trend', metric: 'build_time', evidence: { direction: 'increase', judged: 'worse' } });
    expect(i!.evidence.slopePerRun).toBeCloseTo(0.6, 1);
    expect(i!.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('runs the guide’s troubleshooting loop (10 increasing points) into a trend insight', async () => {
    const [i] = await run({ test_duration: Array.from({ length: 10 }, (_, k) => 10 + k) });
    expect(i).toMatchObject({ kind: 'trend', metric: 'test_duration' });
    // Ten strictly increasing points: Mann–Kendall p ≈ 1e-4, high enough to act on per the guide.
    expect(i!.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('flags only the newest point as an anomaly, and not a settled old step', async () => {
    const spike = [...stable(50, 7), 80];
    const [i, ...rest] = await run({ api_latency_users: spike });
    expect(rest).toEqual([]);
    expect(i).toMatchObject({ kind: 'anomaly', metric: 'api_latency_users', evidence: { direction: 'increase', value: 80 } });
    expect(i!.evidence.score).toBeGreaterThan(3.5);
    // A step 25 runs back is no anomaly: it is reported once, as an established shift (a past change).
    const oldStep = [...stable(50, 8, 20), ...stable(60, 9, 25)];
    const [past, ...none] = await run({ api_latency_users: oldStep });
    expect(none).toEqual([]);
    expect(past).toMatchObject({ kind: 'regression', evidence: { source: 'established', changeIndex: 20, currentN: 25 } });
    expect(await run({ api_latency_users: [...stable(50, 8, 20), ...stable(60, 9, 31)] })).toEqual([]);
  });

  describe('a spike settled by the next run (confirmed anomaly)', () => {
    const base = stable(50, 7);
    const anomalies = async (values: number[], options: Parameters<typeof runInsightEngine>[1] = {}) =>
      (await run({ api_latency_users: values }, options)).filter((i) => i.kind === 'anomaly');

    it('reports the run before the newest as a one-off spike, with a higher confidence for the same |z|', async () => {
      const [newest] = await anomalies([...base, 80]);
      const found = await anomalies([...base, 80, 50.4]);
      expect(found).toHaveLength(1);
      const [settled] = found;
      expect(newest).toMatchObject({ evidence: { confirmed: false, index: 30, value: 80 } });
      expect(settled).toMatchObject({ kind: 'anomaly', metric: 'api_latency_users', evidence: { confirmed: true, index: 30, value: 80, nextValue: 50.4, direction: 'increase', judged: 'worse' } });
      // The same baseline as when run 31 was the newest: same z, only the confidence map differs.
      expect(settled!.evidence.score).toBe(newest!.evidence.score);
      expect(settled!.evidence.expected).toBe(newest!.evidence.expected);
      expect(settled!.confidence).toBeGreaterThan(newest!.confidence);
      expect(settled!.confidence).toBeLessThanOrEqual(1);
      expect(settled!.description).toMatch(/^run 31 of api_latency_users was a one-off spike: 80 \(above the usual 50(\.\d+)?, robust z = \d+\.\d, p = .+\); the next run was back at 50\.4$/);
      expect(settled!.suggestedAction).toMatch(/^Nothing to fix now/);
    });

    it('calls a settled drop of a lower-is-better metric a dip that needs checking, not fixing', async () => {
      const [dip] = await anomalies([...base, 20, 50.2]);
      expect(dip).toMatchObject({ evidence: { confirmed: true, direction: 'decrease', judged: 'better' } });
      expect(dip!.description).toMatch(/^run 31 of api_latency_users was a one-off dip: 20 \(below the usual/);
      expect(dip!.suggestedAction).toMatch(/^Check whether run 31 of api_latency_users skipped work/);
    });

    it('reports a spike as settled once: not again a run later, and the same on every call', async () => {
      const series = [...base, 80, 50.4];
      expect(await anomalies(series)).toEqual(await anomalies(series));
      expect(await anomalies([...series, 49.8])).toEqual([]);
    });

    it('still reports the newest run as an unconfirmed anomaly, and an unsettled run before it not at all', async () => {
      // The spike at run 31 is two runs back and was settled by run 32: only the new dip, unconfirmed.
      const later = await anomalies([...base, 80, 50.4, 20]);
      expect(later.map((i) => [i.evidence.index, i.evidence.confirmed])).toEqual([[32, false]]);
      // 20 is far out on the other side: run 31 is not "back at the baseline", so it is not settled and not repeated.
      const flipped = await anomalies([...base, 80, 20]);
      expect(flipped.map((i) => [i.evidence.index, i.evidence.confirmed])).toEqual([[31, false]]);
    });

    it('does not confirm the first run of a level shift', async () => {
      expect(await anomalies([...base, 80, 80])).toEqual([]);
      expect(await anomalies([...base, 80, 65])).toEqual([]);
      const shifted = await run({ api_latency_users: [...base, 80, 80, 80, 80, 80, 80] });
      expect(shifted.map((i) => i.kind)).toEqual(['regression']);
    });

    it('numbers the run in the full series when only the newest maxHistory points are analyzed', async () => {
      const [settled] = await anomalies([...stable(50, 31, 60), 80, 50.1], { maxHistory: 20 });
      expect(settled).toMatchObject({ evidence: { confirmed: true, index: 60, n: 20 } });
      expect(settled!.description).toMatch(/^run 61 of /);
    });
  });

  it('raises a budget breach with confidence 1, however little data there is', async () => {
    const policy = parsePolicy({ performance: { test_duration_max: 60, coverage_percent_min: 80 } });
    const out = await run({ test_duration: [72], coverage_percent: [79] }, { policy, minConfidence: 0.5 });
    expect(out.map((i) => [i.kind, i.metric, i.confidence])).toEqual([
      ['budget-breach', 'coverage_percent', 1],
      ['budget-breach', 'test_duration', 1],
    ]);
    expect(out[1]!.evidence).toMatchObject({ limit: 60, value: 72, excess: 12, bound: 'max' });
    expect(await run({ test_duration: [60] }, { policy, minConfidence: 0.5 })).toEqual([]);
  });

  it('warns before a forecast crosses a budget', async () => {
    const ramp = Array.from({ length: 20 }, (_, i) => 40 + i * 0.8 + (i % 3) * 0.1);
    const out = await run({ e2e_duration: ramp }, { policy: parsePolicy({ performance: { e2e_duration_max: 60 } }) });
    const f = out.find((i) => i.kind === 'forecast-breach');
    expect(f).toBeDefined();
    expect(f!.evidence.runsAhead).toBeGreaterThanOrEqual(3);
    expect(f!.evidence.runsAhead).toBeLessThanOrEqual(10);
    expect(f!.confidence).toBeGreaterThan(0.5);
    expect(f!.description).toMatch(/crosses its budget 60 in about \d+ runs/);
    // Far from the budget: no warning.
    expect((await run({ e2e_duration: ramp }, { policy: parsePolicy({ performance: { e2e_duration_max: 600 } }) })).some((i) => i.kind === 'forecast-breach')).toBe(false);
  });

  it('checks a metric with both a max and a min budget against the one forecast, in the direction of each', async () => {
    const ramp = Array.from({ length: 20 }, (_, i) => 40 + i * 0.8 + (i % 3) * 0.1);
    const fall = ramp.map((v) => 100 - v);
    const both = parsePolicy({ performance: { e2e_duration_max: 60, e2e_duration_min: 35 } });
    const up = (await run({ e2e_duration: ramp }, { policy: both })).filter((i) => i.kind === 'forecast-breach');
    expect(up.map((i) => [i.evidence.bound, i.evidence.limit])).toEqual([['max', 60]]);
    const bothDown = parsePolicy({ performance: { e2e_duration_max: 90, e2e_duration_min: 40 } });
    const down = (await run({ e2e_duration: fall }, { policy: bothDown })).filter((i) => i.kind === 'forecast-breach');
    expect(down.map((i) => [i.evidence.bound, i.evidence.limit])).toEqual([['min', 40]]);
  });

  it('reports lint errors present as a fact', async () => {
    const [i] = await run({ lint_errors: [0, 0, 3] }, { minConfidence: 0.5 });
    expect(i).toMatchObject({ kind: 'lint-errors', category: 'quality', confidence: 1, evidence: { value: 3 } });
    expect(await run({ lint_errors: [3, 0] }, { minConfidence: 0.5 })).toEqual([]);
  });

  it('is quiet on stable series', async () => {
    const out = await run({ test_duration: stable(10, 11, 60), coverage_percent: stable(90, 12, 60), build_time: stable(120, 13, 60) }, { minConfidence: 0.5 });
    expect(out).toEqual([]);
  });

  it('skips reserved autodev.* metrics and honours names / builtins', async () => {
    const t = await seriesTracker({ 'autodev.finding': [1, 1], test_duration: [1], lint_errors: [2] });
    const out = await runInsightEngine(t, { minConfidence: 0 });
    expect(out.map((i) => i.metric).sort()).toEqual(['lint_errors', 'lint_errors', 'test_duration']);
    expect((await runInsightEngine(t, { minConfidence: 0, names: ['lint_errors'], builtins: ['lint-errors'] })).map((i) => i.kind)).toEqual(['lint-errors']);
    expect(await runInsightEngine(t, { minConfidence: 0, builtins: false })).toEqual([]);
  });
});

describe('runInsightEngine: custom rules and options', () => {
  it('runs custom rules with a context and merges their insights in order', async () => {
    const t = await seriesTracker({ memory_usage: [1200, 1300, 1250, 1280, 1310] });
    const seen: string[][] = [];
    const rule: InsightRule = async (ctx) => {
      seen.push([...ctx.names]);
      const points = await ctx.series('memory_usage');
      const { mean } = (await ctx.analyzeTrends('memory_usage')) as { mean: number };
      expect(ctx.polarity.polarityOf('memory_usage')).toBe('lower');
      return points.length >= 5 && mean > 1000
        ? [new LearningInsight({ category: 'resource', description: 'High memory usage detected', confidence: 0.85, suggestedAction: 'Profile memory usage' })]
        : [];
    };
    const out = await runInsightEngine(t, { rules: [rule] });
    expect(seen).toEqual([['memory_usage']]);
    expect(out.map((i) => i.description)).toEqual(['High memory usage detected']);
  });

  it('rebuilds plain insight objects and rejects non-arrays', async () => {
    const t = await seriesTracker({ x: [1] });
    const plain = { category: 'data', description: 'd', confidence: 0.9, suggestedAction: 'a' };
    expect((await runInsightEngine(t, { rules: [() => [plain as LearningInsight]] }))[0]).toBeInstanceOf(LearningInsight);
    await expect(runInsightEngine(t, { rules: [(() => 'nope') as unknown as InsightRule] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('analyzes only the newest maxHistory points, indexing evidence in the full series', async () => {
    const series = { test_duration: [...stable(10, 21, 100), ...noisy(5, 12, 0.01, 22)] };
    const [i] = await run(series, { maxHistory: 40 });
    expect(i).toMatchObject({ kind: 'regression', evidence: { changeIndex: 100 } });
    expect(i!.evidence.n).toBe(40);
    expect((await run(series, { maxHistory: Infinity }))[0]!.evidence.n).toBe(105);
  });

  it.each([{ minConfidence: 2 }, { minSamples: 2 }, { maxHistory: 10 }, { trendWindow: 3 }, { forecastHorizon: 0 }, { builtins: ['nope'] }, { rules: [42] }])('rejects bad option %j', async (o) => {
    const t = await seriesTracker({ x: [1] });
    await expect(runInsightEngine(t, o as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  test.prop([fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 12 }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'returns exactly the insights at or above minConfidence, sorted by confidence',
    async (confidences, minConfidence) => {
      const t = await seriesTracker({});
      const rule: InsightRule = () => confidences.map((c, k) => new LearningInsight({ category: 'x', description: `d${k}`, confidence: c, suggestedAction: 'a' }));
      const out = await runInsightEngine(t, { rules: [rule], minConfidence });
      expect(out).toHaveLength(confidences.filter((c) => c >= minConfidence).length);
      for (let k = 1; k < out.length; k++) expect(out[k - 1]!.confidence).toBeGreaterThanOrEqual(out[k]!.confidence);
    },
  );
});

describe('categories and lint metrics', () => {
  it.each([
    ['test_duration', 'performance'],
    ['coverage_percent', 'quality'],
    ['memory_usage', 'resource'],
    ['flaky_tests', 'reliability'],
    ['widgets', 'performance'],
  ])('%s → %s', (name, category) => expect(categoryOf(name)).toBe(category));
  it('recognises lint counters', () => {
    expect(isLintMetric('lint_errors')).toBe(true);
    expect(isLintMetric('eslintWarnings')).toBe(true);
    expect(isLintMetric('type_errors')).toBe(false);
  });
});

describe('runInsightEngine invariants', () => {
  test.prop([fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 1, max: 60 })], { numRuns: 30 })(
    'a constant series raises nothing at the default confidence',
    async (level, n) => {
      expect(await runInsightEngine(await seriesTracker({ test_duration: Array.from({ length: n }, () => level) }))).toEqual([]);
    },
  );
});
