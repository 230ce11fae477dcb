import { describe, expect, it } from 'vitest';
import { median, quantile, stdDev, variance } from '../../src/stats/descriptive.js';
import { theilSen } from '../../src/stats/trend.js';
import { analyzeSeries } from '../../src/trends.js';

const M = Number.MAX_VALUE;
const close = (actual: number, expected: number, rel = 1e-12) => {
  expect(Number.isFinite(actual)).toBe(true);
  expect(Math.abs(actual / expected - 1)).toBeLessThan(rel);
};

// Records accept any finite value, up to ±Number.MAX_VALUE. Reference values are exact rational arithmetic
// (Python's fractions.Fraction), e.g. statistics of [Fraction(x) for x in xs], converted to float once at the end.
describe('statistics of values near Number.MAX_VALUE stay finite when the answer is representable', () => {
  it('stdDev: squares that overflow no longer give NaN or Infinity', () => {
    // sd of [1e200, 3e200] = √2·1e200; the variance 2e400 itself is beyond MAX_VALUE, so it is Infinity.
    close(stdDev([1e200, 3e200]), 1.414213562373095e200);
    expect(variance([1e200, 3e200])).toBe(Infinity);
    // Was NaN (Infinity − Infinity in the corrected two-pass formula). Fraction reference: 1.7432727841620198e308.
    close(stdDev([1.7e308, -1.7e308, 1.7e308, -1.7e308, 1.7e308, 1.6e308]), 1.7432727841620198e308);
    // Was Infinity. Fraction reference of [i·1e306 for i in 0..29]: 8.803408430829504e306.
    close(stdDev(Array.from({ length: 30 }, (_, i) => i * 1e306)), 8.803408430829504e306);
    // Ordinary values take the unchanged path.
    expect(stdDev([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2.138089935299395);
  });

  it('median and quantiles: the midpoint of -MAX and MAX is 0, not Infinity', () => {
    expect(median([-M, M])).toBe(0);
    close(quantile([-M, M], 0.25), -M / 2);
    expect(median([1, 2, 3, 4])).toBe(2.5);
  });

  it('theilSen: pairwise differences that overflow no longer make the slope Infinity', () => {
    // Pairwise slopes (exact): 7.98e307 ×2, 8.99e307 ×3, 9.33e307 ×2, 1e308 ×3; the median is 9.157054728592983e307.
    const r = theilSen([-M, -1e308, 0, 1e308, M], { confidenceLevel: 0.9 });
    close(r.slope, 9.157054728592983e307);
    // The intercept median(y) − slope·median(x) = −1.83e308 is itself beyond MAX_VALUE.
    expect(r.intercept).toBe(-Infinity);
    close(theilSen([1e308, 1.1e308, 1.2e308, 1.3e308, 1.4e308]).intercept, 1e308, 1e-9);
    expect(r.lowSlope! <= r.slope && r.slope <= r.highSlope!).toBe(true);
    expect(theilSen([1, 2, 3, 4, 100]).slope).toBe(1);
  });

  it('analyzeSeries reports finite statistics for such a series', () => {
    const t = analyzeSeries([-M, -1e308, 0, 1e308, M]);
    close(t.slope, 9.157054728592983e307);
    expect(t.median).toBe(0);
    // Fraction reference: 1.454596268235812e308 (max |value| = MAX_VALUE, whose log2 rounds to 1024).
    close(t.stdDev, 1.454596268235812e308);
    close(stdDev([-M, -1e308, 0, 1e308, M]), 1.454596268235812e308);
    expect(t.trendDirection).toBe(1);
    close(analyzeSeries([1.7e308, -1.7e308, 1.7e308, -1.7e308, 1.7e308, 1.6e308]).stdDev, 1.7432727841620198e308);
  });
});
