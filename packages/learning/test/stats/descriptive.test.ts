import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { max, mean, median, min, quantile, quantileSorted, selectInPlace, stdDev, sum, variance } from '../../src/stats/descriptive.js';
import { iqr, mad, medianAbsoluteDeviation } from '../../src/stats/robust.js';
import { expectRel } from '../helpers.js';

// Reference values: numpy 2.4.6 / SciPy 1.17.1, the call is written next to each value.

describe('descriptive statistics', () => {
  const x = [2, 4, 4, 4, 5, 5, 7, 9];

  it('mean, variance and standard deviation (sample, n - 1)', () => {
    expect(mean(x)).toBe(5);
    expectRel(variance(x), 4.571428571428571, 1e-15); // numpy.var(x, ddof=1)
    expectRel(stdDev(x), 2.138089935299395, 1e-15); // numpy.std(x, ddof=1)
    expect(variance([3])).toBeNaN(); // R: var(3) is NA
    expect(variance([7, 7, 7])).toBe(0);
  });

  it('sums without losing small terms', () => {
    expect(sum([1e16, 1, -1e16])).toBe(1);
    expect(mean([Number.MAX_VALUE, Number.MAX_VALUE])).toBe(Number.MAX_VALUE);
  });

  it('variance is stable under a large offset', () => {
    const shifted = x.map((v) => v + 1e9);
    expectRel(variance(shifted), 4.571428571428571, 1e-6);
  });

  it('min, max, median', () => {
    expect(min([3, -1, 2])).toBe(-1);
    expect(max([3, -1, 2])).toBe(3);
    expect(median([5, 1, 4, 2])).toBe(3);
    expect(median([5, 1, 4])).toBe(4);
    expect(median(new Float64Array([1]))).toBe(1);
  });

  it('quantile type 7 (R default / numpy linear)', () => {
    expectRel(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9), 9.1); // numpy.quantile(range(1, 11), 0.9)
    expect(quantile([1, 2, 3, 4], 0.25)).toBe(1.75); // numpy.quantile([1, 2, 3, 4], 0.25)
    // numpy.quantile([3.1, -2, 7, 0, 0, 11.5, 4], [0.1, 0.33, 0.5, 0.99]) -> [-0.8, 0, 3.1, 11.23]
    const y = [3.1, -2, 7, 0, 0, 11.5, 4];
    expectRel(quantile(y, 0.1), -0.8, 1e-14);
    expect(quantile(y, 0.33)).toBe(0);
    expect(quantile(y, 0.5)).toBe(3.1);
    expectRel(quantile(y, 0.99), 11.23, 1e-14);
    expect(quantileSorted([1, 5], 1)).toBe(5);
  });

  it('rejects empty input, non-finite values and bad probabilities with INVALID_ARGUMENT', () => {
    for (const f of [mean, variance, median, min, max, sum, mad, iqr]) {
      expect(() => f([])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => f([1, NaN])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => f([1, Infinity])).toThrow(/values\[1\]/);
    }
    expect(() => quantile([1], 2)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('does not mutate its input', () => {
    const input = [5, 3, 9, 1];
    median(input);
    quantile(input, 0.3);
    mad(input);
    expect(input).toEqual([5, 3, 9, 1]);
  });

  test.prop([fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 200 }), fc.nat()])(
    'selection agrees with a full sort',
    (raw, k0) => {
      const values = raw.map((v) => v + 0); // -0 and 0 are equal for selection but not for toBe
      const k = k0 % values.length;
      const sorted = Float64Array.from(values).sort();
      const scratch = Float64Array.from(values);
      expect(selectInPlace(scratch, k)).toBe(sorted[k]);
      for (let i = 0; i < k; i++) expect(scratch[i]).toBeLessThanOrEqual(sorted[k]!);
      for (let i = k + 1; i < values.length; i++) expect(scratch[i]).toBeGreaterThanOrEqual(sorted[k]!);
      expect(median(values)).toBe(quantileSorted(sorted, 0.5));
    },
  );
});

describe('robust statistics', () => {
  it('MAD matches R / scipy', () => {
    expect(medianAbsoluteDeviation([1, 1, 2, 2, 4, 6, 9])).toBe(1); // scipy.stats.median_abs_deviation([1,1,2,2,4,6,9])
    expectRel(mad([1, 1, 2, 2, 4, 6, 9]), 1.4826, 1e-15); // R: mad(c(1,1,2,2,4,6,9))
    // scipy.stats.median_abs_deviation([3.1,-2,7,0,0,11.5,4,8], scale=1/1.4826) -> 5.26323
    expectRel(mad([3.1, -2, 7, 0, 0, 11.5, 4, 8]), 5.263229999999999, 1e-14);
    expect(mad([1, 2, 3], { center: 0, constant: 1 })).toBe(2);
  });

  it('MAD ignores up to half the values being wild, where the standard deviation explodes', () => {
    const clean = [10, 11, 9, 10, 12, 10, 9, 11, 10, 10];
    const dirty = [...clean.slice(0, 6), 1e9, -1e9, 1e9, 1e9];
    expect(mad(dirty)).toBeLessThan(10 * mad(clean));
    expect(stdDev(dirty)).toBeGreaterThan(1e8);
  });

  it('IQR (type 7)', () => {
    expect(iqr([1, 2, 3, 4, 5, 6, 7, 8])).toBe(3.5); // scipy.stats.iqr([1,2,3,4,5,6,7,8])
  });
});
