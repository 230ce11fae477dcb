import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { mannKendall, theilSen } from '../../src/stats/trend.js';
import { expectRel } from '../helpers.js';

// Reference values were produced with SciPy 1.17.1 / numpy 2.4.6 (Python 3.11):
// - S, Var(S), z and p follow pymannkendall.original_test, re-implemented in numpy as
//     s = sum(sign(y[j] - y[i]) for i < j)
//     var = (n(n-1)(2n+5) - sum(t(t-1)(2t+5) over tie groups t)) / 18
//     z = (s - sign(s)) / sqrt(var);  p = 2 * scipy.stats.norm.sf(abs(z))
// - tau = scipy.stats.kendalltau(numpy.arange(n), y).statistic (tau-b)
// - exact p = scipy.stats.kendalltau(numpy.arange(n), y, method='exact').pvalue
// - Theil–Sen: scipy.stats.theilslopes(y, x, 0.95) -> slope, intercept, low_slope, high_slope
// The S of the first series was also counted by hand: 66 pairs, 62 increasing, 4 decreasing.

const ex1 = [10, 12, 11, 14, 13, 15, 18, 17, 19, 21, 20, 24];
const ex2 = [5, 5, 6, 5, 7, 7, 8, 6, 9, 9, 9, 10, 8, 11, 11];
const ex3 = [3.2, 2.9, 3.1, 3.0, 3.3, 2.8, 3.1, 3.0, 2.9, 3.2, 3.1, 3.0];

describe('mannKendall', () => {
  it('matches the normal approximation with continuity correction (no ties)', () => {
    const r = mannKendall(ex1);
    expect(r.s).toBe(58);
    expectRel(r.varS, 212.66666666666666, 1e-14);
    expectRel(r.z, 3.9086352435453273, 1e-13);
    expectRel(r.pValue, 9.281898133684614e-5, 1e-10);
    expectRel(r.tau, 0.8787878787878787, 1e-14);
    expect(r.method).toBe('normal');
    expect(r.trend).toBe(1);
  });

  it('corrects the variance for ties', () => {
    const r = mannKendall(ex2);
    expect(r.s).toBe(79);
    expectRel(r.varS, 397, 1e-14);
    expectRel(r.z, 3.9147077831822656, 1e-13);
    expectRel(r.pValue, 9.051376207879482e-5, 1e-10);
    expectRel(r.tau, 0.7909893554283791, 1e-14);
    expect(r.trend).toBe(1);
  });

  it('reports no trend for a noisy flat series', () => {
    const r = mannKendall(ex3);
    expect(r.s).toBe(-4);
    expectRel(r.varS, 203.33333333333334, 1e-14);
    expectRel(r.z, -0.210386061995483, 1e-13);
    expectRel(r.pValue, 0.8333663701405813, 1e-12);
    expectRel(r.tau, -0.06465081838352359, 1e-13);
    expect(r.trend).toBe(0);
  });

  it('uses the exact distribution for small untied samples', () => {
    const r = mannKendall([1, 3, 2, 5, 4]);
    expect(r.method).toBe('exact');
    expect(r.s).toBe(6);
    expectRel(r.pValue, 0.23333333333333334, 1e-14);
    const r2 = mannKendall([2, 1, 4, 3, 6, 5, 8, 7]);
    expectRel(r2.pValue, 0.014136904761904762, 1e-14);
    expect(r2.trend).toBe(1);
    // Five strictly increasing points: the smallest possible p, 2/5! = 1/60.
    expectRel(mannKendall([1, 2, 3, 4, 5]).pValue, 1 / 60, 1e-14);
    // The normal approximation is still available on request.
    expectRel(mannKendall([1, 3, 2, 5, 4], { exact: false }).pValue, 0.22067136191984693, 1e-12);
  });

  it('says nothing for tiny or constant series, and validates input', () => {
    expect(mannKendall([]).pValue).toBe(1);
    expect(mannKendall([1, 2]).trend).toBe(0);
    expect(mannKendall([4, 4, 4, 4, 4, 4]).pValue).toBe(1);
    expect(() => mannKendall([1, NaN, 3])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => mannKendall([1, 2, 3], { alpha: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => mannKendall([1, 1, 2], { exact: true })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  test.prop([fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 2, maxLength: 120 })])(
    'S equals the O(n²) definition; reversing the series flips S and keeps p',
    (values) => {
      let s = 0;
      for (let i = 0; i < values.length; i++) for (let j = i + 1; j < values.length; j++) s += Math.sign(values[j]! - values[i]!);
      const r = mannKendall(values);
      expect(r.s).toBe(s);
      const rev = mannKendall([...values].reverse());
      expect(rev.s).toBe(-s + 0);
      expect(rev.pValue).toBeCloseTo(r.pValue, 12);
      expect(rev.trend).toBe(-r.trend + 0);
    },
  );
});

describe('theilSen', () => {
  it('matches scipy.stats.theilslopes, including the confidence interval', () => {
    const a = theilSen(ex1, { confidenceLevel: 0.95 });
    expect(a.slope).toBeCloseTo(1.2, 14);
    expectRel(a.intercept, 9.4, 1e-14);
    expect(a.lowSlope).toBe(1);
    expectRel(a.highSlope!, 1.4444444444444444, 1e-14);
    const b = theilSen(ex2, { confidenceLevel: 0.95 });
    expectRel(b.slope, 0.4444444444444444, 1e-14);
    expectRel(b.intercept, 4.888888888888889, 1e-14);
    expectRel(b.lowSlope!, 0.3333333333333333, 1e-14);
    expect(b.highSlope).toBe(0.5);
    // With x given and tied x values (the pair with equal x has no slope).
    const c = theilSen([4.1, 2.0, 6.3, 5.0, 9.8, 7.7], { x: [1, 2, 2, 3, 5, 8], confidenceLevel: 0.95 });
    expectRel(c.slope, 0.7450000000000001, 1e-13);
    expectRel(c.intercept, 3.7875, 1e-13);
    expectRel(c.lowSlope!, -1.2999999999999998, 1e-13);
    expectRel(c.highSlope!, 2.6, 1e-13);
    expect(c.pairs).toBe(14);
  });

  it('ignores an outlier', () => {
    const r = theilSen([1, 2, 3, 4, 100]);
    expect(r.slope).toBe(1); // scipy.stats.theilslopes([1, 2, 3, 4, 100]).slope == 1.0
    expect(r.method).toBe('exact');
  });

  it('sampled estimate lands inside the exact 95% confidence interval', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const y = Array.from({ length: 3000 }, (_, i) => 0.01 * i + rnd() * 5 + (i % 97 === 0 ? 100 : 0));
    const exact = theilSen(y, { confidenceLevel: 0.95 });
    const sampled = theilSen(y, { sampleSize: 200_000, exactMaxPairs: 0, seed: 3 });
    expect(sampled.method).toBe('sampled');
    expect(sampled.slope).toBeGreaterThanOrEqual(exact.lowSlope!);
    expect(sampled.slope).toBeLessThanOrEqual(exact.highSlope!);
    // Seeded: the same seed gives the same estimate.
    expect(theilSen(y, { sampleSize: 200_000, exactMaxPairs: 0, seed: 3 }).slope).toBe(sampled.slope);
    expect(() => theilSen(y, { sampleSize: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('handles degenerate input', () => {
    expect(theilSen([]).slope).toBeNaN();
    expect(theilSen([5]).slope).toBeNaN();
    expect(theilSen([3, 3, 3, 3]).slope).toBe(0);
    expect(theilSen([1, 2], { x: [7, 7] }).pairs).toBe(0);
    expect(() => theilSen([1, 2], { x: [1] })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  test.prop(
    [
      fc.oneof(
        fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 2, maxLength: 200 }),
        // Subnormal differences are excluded: there a divided slope is rounded to a few ulps, so the
        // selection's rank comparisons (exact) and enumeration's divisions (rounded) may disagree;
        // theilSen documents this limit.
        fc.array(
          fc.double({ min: -1e3, max: 1e3, noNaN: true, noDefaultInfinity: true }).map((v) => (Math.abs(v) < 1e-290 ? 0 : v)),
          { minLength: 2, maxLength: 200 },
        ),
      ),
      fc.boolean(),
      fc.nat(),
    ],
    { numRuns: 25 },
  )('randomized selection returns exactly the slopes that enumeration finds', (values, withX, seed) => {
    const x = withX ? values.map((_, i) => Math.floor(i / 3)) : undefined;
    const exact = theilSen(values, { x, confidenceLevel: 0.9 });
    const selected = theilSen(values, { x, confidenceLevel: 0.9, exactMaxPairs: 0, seed });
    if (exact.pairs > 0) expect(selected.method).toBe('selection');
    // Integer series: every difference and slope comparison is exact, so the two must agree bit for bit. With
    // arbitrary doubles, two pairs' slopes can differ by an ulp or two while the selection orders them by
    // t·dx vs dy and enumeration by the rounded quotients (the limit theilSen documents): then the k-th
    // smallest may be the neighbouring pair, a few ulps away. Found by fast-check (seed 2117406042).
    const integers = values.every((v) => Number.isInteger(v));
    const same = (a: number | undefined, b: number | undefined): void => {
      if (integers || a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b)) expect(a).toBe(b);
      else expect(Math.abs(a - b)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b)));
    };
    same(selected.slope, exact.slope);
    same(selected.lowSlope, exact.lowSlope);
    same(selected.highSlope, exact.highSlope);
  });
});
