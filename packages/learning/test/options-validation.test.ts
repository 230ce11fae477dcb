// Options a user can get wrong without the types noticing (plain JS, `as any`, the guide's Python spelling):
// each must be refused with a LearningError that names what to fix, never a TypeError and never silently
// replaced by the default.
import { describe, expect, it } from 'vitest';
import { FeedbackLoop } from '../src/insights/feedback-loop.js';
import { runInsightEngine } from '../src/insights/insight-engine.js';
import { AutoOptimizer } from '../src/insights/optimizations.js';
import { createPolarityRegistry } from '../src/insights/polarity.js';
import { checkBudgets, parsePolicy } from '../src/insights/policy.js';
import { MetricsTracker } from '../src/metrics-tracker.js';
import { analyzeSeries } from '../src/trends.js';

const invalid = (message: RegExp) => expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) });

async function trackerWith(values: number[]) {
  let t = Date.UTC(2026, 0, 1);
  const tracker = new MetricsTracker({ now: () => (t += 1000) });
  for (const v of values) await tracker.recordMetric('test_duration', v, { branch: v > 14 ? 'feature' : 'main' });
  return tracker;
}

describe('MetricsTracker options', () => {
  it("refuses the guide's snake_case spelling instead of silently using the default", async () => {
    const tracker = await trackerWith([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
    // Before: { window_size: 3 } analyzed the default 10 points.
    await expect(tracker.analyzeTrends('test_duration', { window_size: 3 } as never)).rejects.toThrow(invalid(/unknown option "window_size"; did you mean windowSize\?/));
    await expect(tracker.generateInsights({ min_confidence: 0 } as never)).rejects.toThrow(invalid(/did you mean minConfidence/));
    await expect(tracker.getMetrics('test_duration', { limt: 1 } as never)).rejects.toThrow(invalid(/unknown option "limt"/));
    await expect(tracker.getMetrics('test_duration', 'main' as never)).rejects.toThrow(invalid(/options must be an object/));
    await expect(tracker.recordMetric('x', 1, {}, { ts: 5 } as never)).rejects.toThrow(invalid(/unknown option "ts"/));
    expect(await tracker.getMetrics()).toHaveLength(12); // nothing recorded by the refused call
    // Known spellings still work, and null still means "no options".
    expect((await tracker.analyzeTrends('test_duration', { windowSize: 3 })).window).toBe(3);
    expect((await tracker.analyzeTrends('test_duration', null as never)).window).toBe(10);
    expect(await tracker.getMetrics(undefined, { name: 'test_duration', limit: 1 } as never)).toHaveLength(1);
  });

  it('compare refuses a missing group (it read as "every record") and null options (a TypeError)', async () => {
    const tracker = await trackerWith([10, 11, 12, 13, 15, 16, 17, 18]);
    await expect(tracker.compare('test_duration', undefined as never, { branch: 'feature' })).rejects.toThrow(invalid(/groupA must be a metadata filter/));
    await expect(tracker.compare('test_duration', { branch: 'main' }, null as never)).rejects.toThrow(invalid(/groupB/));
    await expect(tracker.compare('test_duration', { branch: 'main' }, { branch: 'feature' }, { confidence_level: 0.9 } as never)).rejects.toThrow(invalid(/confidenceLevel/));
    const c = await tracker.compare('test_duration', { branch: 'main' }, { branch: 'feature' }, null as never);
    expect([c.nA, c.nB, c.verdict]).toEqual([4, 4, 'b-higher']);
  });

  it('names a string polarity instead of reading it character by character', () => {
    expect(() => new MetricsTracker({ polarity: 'lower' as never })).toThrow(invalid(/polarity overrides must be an object/));
    expect(() => createPolarityRegistry(['lower'] as never)).toThrow(invalid(/an array/));
  });
});

describe('analyzeSeries options', () => {
  it('treats null as no options and checks what it copies into the result', () => {
    expect(analyzeSeries([1, 2, 3, 4, 5], null as never).trendDirection).toBe(1);
    expect(() => analyzeSeries([1, 2, 3, 4, 5], { count: NaN })).toThrow(invalid(/count must be a whole number/));
    expect(() => analyzeSeries([1, 2, 3, 4, 5], { count: 2 })).toThrow(invalid(/count/));
    expect(() => analyzeSeries([1, 2, 3, 4, 5], { metric: 5 as never })).toThrow(invalid(/metric must be a string/));
    expect(() => analyzeSeries([1, 2, 3, 4, 5], { min_points: 3 } as never)).toThrow(invalid(/did you mean minPoints/));
  });
});

describe('checkBudgets input', () => {
  const policy = parsePolicy({ performance: { test_duration_max: 60 } });
  it('refuses a non-finite latest value of a budgeted metric instead of passing it', () => {
    // Before: Infinity and NaN were skipped like missing data, so the budget "held".
    expect(() => checkBudgets({ test_duration: Infinity }, policy)).toThrow(invalid(/latest test_duration must be a finite number, got Infinity/));
    expect(() => checkBudgets({ test_duration: NaN }, policy)).toThrow(invalid(/got NaN/));
    expect(() => checkBudgets({ test_duration: '72' as never }, policy)).toThrow(invalid(/got "72"/));
    expect(() => checkBudgets(null as never, policy)).toThrow(invalid(/checkBudgets takes an object/));
    expect(checkBudgets({ build_time: NaN }, policy)).toEqual([]); // not budgeted: not read
    expect(checkBudgets({}, policy)).toEqual([]);
  });

  it("accepts the guide's raw automation_policy object (it was a TypeError)", () => {
    const breaches = checkBudgets({ test_duration: 72 }, { performance: { test_duration_max: 60 } } as never);
    expect(breaches).toMatchObject([{ metric: 'test_duration', bound: 'max', limit: 60, value: 72, excess: 12 }]);
    expect(() => checkBudgets({ test_duration: 72 }, { performance: { test_duration_max: '60s' } } as never)).toThrow(invalid(/must be a finite number/));
  });
});

describe('runInsightEngine options', () => {
  it('accepts a raw policy, null options, and refuses names given as a string', async () => {
    const tracker = await trackerWith([10, 11, 12, 13, 14, 70]);
    const out = await runInsightEngine(tracker, { policy: { performance: { test_duration_max: 60 } } as never });
    expect(out.map((i) => i.kind)).toContain('budget-breach');
    expect(Array.isArray(await runInsightEngine(tracker, null as never))).toBe(true);
    await expect(runInsightEngine(tracker, { names: 'test_duration' as never })).rejects.toThrow(invalid(/names must be an array/));
    await expect(runInsightEngine(tracker, { now: 5 as never })).rejects.toThrow(invalid(/now must be a function/));
    await expect(runInsightEngine(tracker, { polarity: { test_duration: 'lower' } as never })).rejects.toThrow(invalid(/createPolarityRegistry/));
    await expect(runInsightEngine(null as never)).rejects.toThrow(invalid(/needs a tracker/));
  });
});

describe('FeedbackLoop and AutoOptimizer options', () => {
  it('refuses null-turned-TypeError, misspelt keys and filters that can never match', async () => {
    const tracker = await trackerWith([10, 11, 12]);
    expect(() => new FeedbackLoop(tracker, { confirm_after: 5 } as never)).toThrow(invalid(/did you mean confirmAfter/));
    expect(() => new FeedbackLoop(tracker, { now: 'x' } as never)).toThrow(invalid(/now must be a function/));
    expect(() => new FeedbackLoop(tracker, { persist: 'no' } as never)).toThrow(invalid(/persist must be true or false/));
    const loop = new FeedbackLoop(tracker, null as never);
    await expect(loop.history({ outcome: 'confirm' as never })).rejects.toThrow(invalid(/outcome must be one of pending, confirmed, refuted/));
    expect(() => loop.reliability('test_duration', 'shifts' as never)).toThrow(invalid(/family must be one of shift, trend, anomaly/));
    expect(() => new AutoOptimizer(loop, { cooldown_runs: 20 } as never)).toThrow(invalid(/did you mean cooldownRuns/));
    const optimizer = new AutoOptimizer(loop);
    let applied = 0;
    optimizer.register({ id: 'a', handles: { metric: 'test_duration' }, apply: () => void applied++ });
    // Before: { dry_run: true } was ignored and the actions ran for real.
    await expect(optimizer.applyOptimizations([], { dry_run: true } as never)).rejects.toThrow(invalid(/did you mean dryRun/));
    await expect(optimizer.applyOptimizations([], { dryRun: 'yes' } as never)).rejects.toThrow(invalid(/dryRun must be true or false/));
    await expect(optimizer.history({ status: 'revert' as never })).rejects.toThrow(invalid(/status must be one of/));
    expect(await optimizer.applyOptimizations([], null as never)).toEqual([]);
    expect(applied).toBe(0);
  });
});

describe('statistics options', () => {
  it('mannKendall, theilSen and mad treat null as no options and refuse misspelt keys', async () => {
    const { mad, mannKendall, theilSen } = await import('../src/stats/index.js');
    const y = [1, 3, 2, 5, 4, 6, 8, 7, 9, 10];
    expect(mannKendall(y, null as never).trend).toBe(1);
    expect(theilSen(y, null as never).slope).toBe(theilSen(y).slope);
    expect(mad(y, null as never)).toBe(mad(y));
    expect(() => theilSen(y, { sample_size: 100 } as never)).toThrow(invalid(/did you mean sampleSize/));
    expect(() => mannKendall(y, { significance: 0.01 } as never)).toThrow(invalid(/unknown option "significance"/));
    expect(() => mad(y, { centre: 0 } as never)).toThrow(invalid(/unknown option "centre"/));
  });
});
