import { describe, expect, it } from 'vitest';
import { analyzeSeries, MIN_TREND_POINTS } from '../src/trends.js';
import { expectRel } from './helpers.js';

describe('analyzeSeries', () => {
  it('reports the statistics of a window (numpy / scipy reference values)', () => {
    const y = [10, 12, 11, 14, 13, 15, 18, 17, 19, 21, 20, 24];
    const t = analyzeSeries(y, { metric: 'build_time' });
    expect(t.metric).toBe('build_time');
    expect(t.window).toBe(12);
    expect(t.count).toBe(12);
    expect(t.sufficient).toBe(true);
    expect(t.reason).toBeUndefined();
    expectRel(t.mean, 16.166666666666668, 1e-15); // numpy.mean(y)
    expect(t.median).toBe(16); // numpy.median(y)
    expectRel(t.stdDev, 4.36584540044721, 1e-14); // numpy.std(y, ddof=1)
    expect(t.min).toBe(10);
    expect(t.max).toBe(24);
    expectRel(t.mad, 5.1891, 1e-14); // scipy.stats.median_abs_deviation(y, scale=1/1.4826) = 1.4826 * 3.5
    expectRel(t.slope, 1.2, 1e-14); // scipy.stats.theilslopes(y).slope
    expect(t.trendDirection).toBe(1);
    expectRel(t.pValue, 9.281898133684614e-5, 1e-10); // Mann–Kendall, see test/stats/trend.test.ts
    expectRel(t.tau, 0.8787878787878787, 1e-14);
    expect(t.values).toEqual(y);
  });

  it('decreasing series have direction -1, flat noise 0', () => {
    expect(analyzeSeries([24, 20, 21, 19, 17, 18, 15, 13, 14, 11, 12, 10]).trendDirection).toBe(-1);
    expect(analyzeSeries([3.2, 2.9, 3.1, 3.0, 3.3, 2.8, 3.1, 3.0, 2.9, 3.2, 3.1, 3.0]).trendDirection).toBe(0);
  });

  it('never invents a trend from too few points', () => {
    const t = analyzeSeries([1, 2, 3]);
    expect(t.sufficient).toBe(false);
    expect(t.reason).toBe(`need at least ${MIN_TREND_POINTS} points, have 3`);
    expect(t.trendDirection).toBe(0);
    expect(t.pValue).toBe(1);
    expect(t.slope).toBeNaN();
    expect(t.mean).toBe(2);
    const empty = analyzeSeries([]);
    expect(empty.sufficient).toBe(false);
    expect(empty.mean).toBeNaN();
    expect(empty.values).toEqual([]);
  });

  it('five strictly monotone points are enough to call a trend', () => {
    expect(analyzeSeries([1, 2, 3, 4, 5]).trendDirection).toBe(1);
    expect(analyzeSeries([1, 2, 3, 4]).trendDirection).toBe(0);
  });

  it('validates', () => {
    expect(() => analyzeSeries([1, NaN])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => analyzeSeries([1, 2], { minPoints: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => analyzeSeries([1, 2], { alpha: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
