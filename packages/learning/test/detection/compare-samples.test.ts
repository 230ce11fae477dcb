import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compareSamples, kthPairwiseDifference, mannWhitneyExactDistribution } from '../../src/detection/compare-samples.js';

// Hollander & Wolfe (1973), p. 69: permeability constants of the human chorioamnion (the data of R's
// `?wilcox.test` example). x: at term, y: 12–26 weeks.
const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
const y = [1.15, 0.88, 0.9, 0.74, 1.21];

describe('compareSamples', () => {
  it('matches the textbook example (exact test, no ties)', () => {
    const c = compareSamples(y, x);
    // scipy.stats.mannwhitneyu(x, y, method='exact') -> statistic=35.0, pvalue=0.2544122544122544
    expect(c.u).toBe(35);
    expect(c.pValue).toBeCloseTo(0.2544122544122544, 12);
    // R: wilcox.test(x, y, conf.int = TRUE) -> difference in location 0.305, 95% CI -0.15 0.76
    // (numpy: median of np.subtract.outer(x, y) = 0.305; interval from qwilcox(0.025, 10, 5) = 9)
    expect(c.shift).toBeCloseTo(0.305, 12);
    expect(c.shiftInterval[0]).toBeCloseTo(-0.15, 12);
    expect(c.shiftInterval[1]).toBeCloseTo(0.76, 12);
    expect(c.verdict).toBe('no-difference');
    expect(c.effectSize).toBeCloseTo(2 * (35 / 50) - 1, 12);
    expect(c.summary).toMatch(/No significant difference/);
  });

  it('uses the tie-corrected normal approximation with continuity correction for larger samples', () => {
    const a = [1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 12, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
    const b = [3, 5, 5, 6, 8, 9, 9, 10, 12, 13, 15, 15, 16, 18, 19, 21, 22, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];
    const c = compareSamples(a, b);
    // scipy.stats.mannwhitneyu(b, a, method='asymptotic', use_continuity=True) -> 670.5, 0.0011347622875254538
    expect(c.u).toBe(670.5);
    expect(c.pValue).toBeCloseTo(0.0011347622875254538, 6);
    // numpy: np.median(np.subtract.outer(b, a)) = 8.0
    expect(c.shift).toBe(8);
    expect(c.verdict).toBe('b-higher');
    expect(c.shiftInterval[0]).toBeGreaterThan(0);
    expect(compareSamples(b, a).verdict).toBe('b-lower');
  });

  it('says when there is not enough data and ignores non-finite values', () => {
    const c = compareSamples([1, 2], [3, Number.NaN, 4, 5]);
    expect(c.verdict).toBe('insufficient-data');
    expect(c.nB).toBe(3);
    expect(c.summary).toMatch(/at least 3/);
  });

  it('rejects a confidence level outside (0, 1)', () => {
    expect(() => compareSamples([1, 2, 3], [1, 2, 3], { confidenceLevel: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('has an exact null distribution that matches brute-force enumeration', () => {
    // Enumerate all C(7, 3) = 35 placements of 3 'a' ranks among 7 and count U = Σ(b > a).
    const counts = new Array<number>(13).fill(0);
    for (let mask = 0; mask < 1 << 7; mask++) {
      if (mask.toString(2).split('1').length - 1 !== 3) continue;
      let u = 0;
      let bSeen = 0;
      for (let r = 0; r < 7; r++) {
        if (mask & (1 << r)) u += 4 - bSeen; // every b above this a
        else bSeen++;
      }
      counts[u]!++;
    }
    const dist = mannWhitneyExactDistribution(3, 4);
    counts.forEach((k, u) => expect(dist[u]).toBeCloseTo(k / 35, 14));
  });
});

describe('kthPairwiseDifference', () => {
  test.prop([
    fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 12 }),
    fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 12 }),
    fc.nat(),
  ])('equals the k-th element of the sorted pairwise differences', (a, b, kRaw) => {
    const diffs = b.flatMap((bj) => a.map((ai) => bj - ai)).sort((p, q) => p - q);
    const k = 1 + (kRaw % diffs.length);
    const as = Float64Array.from(a).sort();
    const bs = Float64Array.from(b).sort();
    expect(kthPairwiseDifference(as, bs, k)).toBe(diffs[k - 1]);
  });
});

describe('compareSamples with fully tied groups', () => {
  it('returns the common difference as the shift', () => {
    const c = compareSamples([1, 1, 1], [2, 2, 2]);
    expect(c.shift).toBe(1);
    expect(c.shiftInterval).toEqual([1, 1]);
    expect(c.relativeShift).toBe(1);
    expect(compareSamples([5, 5, 5, 5], [5, 5, 5]).verdict).toBe('no-difference');
  });
});
