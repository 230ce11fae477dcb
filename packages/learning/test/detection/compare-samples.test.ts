import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { compareSamples, kthPairwiseDifference, mannWhitneyExactDistribution } from '../../src/detection/compare-samples.js';
import { midRanks } from '../../src/detection/internal/numeric.js';

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

  const a30 = [1, 2, 2, 3, 3, 3, 4, 5, 5, 6, 7, 8, 8, 9, 10, 11, 12, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
  const b30 = [3, 5, 5, 6, 8, 9, 9, 10, 12, 13, 15, 15, 16, 18, 19, 21, 22, 22, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35];

  it('uses the exact conditional distribution with ties for moderate samples', () => {
    const c = compareSamples(a30, b30);
    expect(c.u).toBe(670.5);
    // Exact permutation p with midranks, from an independent generating-function count in Python's exact
    // integers (scipy.stats.rankdata midranks; 2·Σ ranks of b = 3271): 0.0008745919177652755. The
    // asymptotic p of scipy.stats.mannwhitneyu(b, a, method='asymptotic') is 0.0011347622875254538.
    expect(c.pValue).toBeCloseTo(0.0008745919177652755, 12);
    // numpy: np.median(np.subtract.outer(b, a)) = 8.0
    expect(c.shift).toBe(8);
    expect(c.verdict).toBe('b-higher');
    expect(c.shiftInterval[0]).toBeGreaterThan(0);
    expect(compareSamples(b30, a30).verdict).toBe('b-lower');
    expect(compareSamples(b30, a30).pValue).toBeCloseTo(0.0008745919177652755, 12);
  });

  it('uses the tie-corrected normal approximation with continuity correction for larger samples', () => {
    // 120 vs 120 with ties: beyond the exact budget (min² · n = 3.5e6 > 2e6).
    const a = [...a30, ...a30, ...a30, ...a30];
    const b = [...b30, ...b30, ...b30, ...b30];
    const c = compareSamples(a, b);
    // scipy.stats.mannwhitneyu(b, a, method='asymptotic', use_continuity=True) -> 10728.0, 5.21091910733266e-11
    expect(c.u).toBe(10728);
    expect(c.pValue / 5.21091910733266e-11).toBeCloseTo(1, 6);
    expect(c.shift).toBe(8);
  });

  it('gives the exact p for a short window against a baseline of mostly one value (a 0/1 count)', () => {
    // 27 zeros and 3 ones, then windows of 3 and 5 runs; same independent Python count as above.
    const base = [...new Array<number>(27).fill(0), 1, 1, 1];
    expect(compareSamples(base, [1, 1, 0], { minSampleSize: 2 }).pValue).toBeCloseTo(0.1063049853372434, 12);
    expect(compareSamples(base, [1, 1, 1, 0, 1]).pValue).toBeCloseTo(0.006166982922201139, 12);
  });

  test.prop([fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 9 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 5 })])(
    'with ties, the p-value equals brute-force enumeration of every split of the pooled values',
    (a, b) => {
      const all = [...a, ...b];
      const { ranks } = midRanks(Float64Array.from(all));
      let observed = 0;
      for (let j = a.length; j < all.length; j++) observed += ranks[j]!;
      let lower = 0;
      let upper = 0;
      let total = 0;
      const visit = (start: number, k: number, sum: number): void => {
        if (k === b.length) {
          total++;
          if (sum <= observed + 1e-9) lower++;
          if (sum >= observed - 1e-9) upper++;
          return;
        }
        for (let i = start; i <= all.length - (b.length - k); i++) visit(i + 1, k + 1, sum + ranks[i]!);
      };
      visit(0, 0, 0);
      const c = compareSamples(a, b);
      if (new Set(all).size === all.length) return; // no ties: the untied exact path, tested above
      expect(c.pValue).toBeCloseTo(Math.min(1, (2 * Math.min(lower, upper)) / total), 12);
    },
  );

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
