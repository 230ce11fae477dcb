import { describe, expect, it } from 'vitest';
import {
  chiSquareCdf,
  logGamma,
  normalCdf,
  normalQuantile,
  normalSf,
  normalTwoSidedP,
  regularizedGammaP,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTTwoSidedP,
} from '../../src/stats/distributions.js';
import { expectRel } from '../helpers.js';

// Reference values: SciPy 1.17.1 (Python 3.11), the call is written next to each value.

describe('normal distribution', () => {
  it.each([
    [1.96, 0.9750021048517795], // scipy.stats.norm.cdf(1.96)
    [-1, 0.15865525393145707], // scipy.stats.norm.cdf(-1)
    [0, 0.5],
  ])('normalCdf(%f) = %f', (x, p) => expectRel(normalCdf(x), p, 1e-14));

  it.each([
    [5, 2.866515718791933e-7], // scipy.stats.norm.sf(5)
    [10, 7.61985302416047e-24], // scipy.stats.norm.sf(10)
    [37, 5.7255712225239266e-300], // scipy.stats.norm.sf(37)
  ])('keeps relative accuracy in the far tail: normalSf(%f) = %e', (x, p) => {
    expectRel(normalSf(x), p, 1e-12);
    expectRel(normalCdf(-x), p, 1e-12);
  });

  it('is symmetric, monotone and handles the extremes', () => {
    for (let x = -8; x <= 8; x += 0.37) expectRel(normalCdf(x) + normalCdf(-x), 1, 1e-15);
    for (let x = -8; x <= 8; x += 0.01) expect(normalCdf(x + 0.01)).toBeGreaterThanOrEqual(normalCdf(x));
    expect(normalCdf(-Infinity)).toBe(0);
    expect(normalCdf(Infinity)).toBe(1);
    expect(normalCdf(NaN)).toBeNaN();
  });

  it('two-sided p of z', () => {
    expectRel(normalTwoSidedP(1.959963984540054), 0.05, 1e-13);
    expectRel(normalTwoSidedP(-1.959963984540054), 0.05, 1e-13);
    expect(normalTwoSidedP(0)).toBe(1);
  });

  it.each([
    [0.5, 0], // scipy.stats.norm.ppf(0.5)
    [0.975, 1.959963984540054], // scipy.stats.norm.ppf(0.975)
    [0.995, 2.5758293035489004], // scipy.stats.norm.ppf(0.995)
    [0.05, -1.6448536269514729], // scipy.stats.norm.ppf(0.05)
    [1e-10, -6.361340902404056], // scipy.stats.norm.ppf(1e-10)
    [0.3, -0.5244005127080409], // scipy.stats.norm.ppf(0.3)
  ])('normalQuantile(%f) = %f', (p, z) => expectRel(normalQuantile(p), z, 1e-14));

  it('normalQuantile inverts normalCdf and rejects non-probabilities', () => {
    for (let p = 0.001; p < 1; p += 0.0131) expectRel(normalCdf(normalQuantile(p)), p, 1e-13);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    expect(() => normalQuantile(1.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => normalQuantile(NaN)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe("Student's t distribution", () => {
  it('matches closed forms for df = 1 and df = 2', () => {
    for (let t = -20; t <= 20; t += 0.7) {
      expectRel(studentTCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13); // Cauchy
      expectRel(studentTCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-13);
    }
  });

  it('matches scipy', () => {
    expectRel(studentTCdf(2, 5), 0.9490302605850708, 1e-13); // scipy.stats.t.cdf(2, 5)
    expectRel(studentTCdf(-1.3, 7.5), 0.11606338940780439, 1e-12); // scipy.stats.t.cdf(-1.3, 7.5)
    expectRel(studentTTwoSidedP(4.5, 12), 0.000726652921403692, 1e-12); // 2 * scipy.stats.t.sf(4.5, 12)
    expectRel(studentTQuantile(0.975, 10), 2.228138851986274, 1e-12); // scipy.stats.t.ppf(0.975, 10)
    expectRel(studentTQuantile(0.975, 5), 2.5705818356363146, 1e-12); // scipy.stats.t.ppf(0.975, 5)
    expectRel(studentTQuantile(0.9, 3.3), 1.598366958560087, 1e-12); // scipy.stats.t.ppf(0.9, 3.3)
    expectRel(studentTQuantile(0.025, 10), -2.228138851986274, 1e-12);
  });

  it('tends to the normal for large df, and inverts its CDF', () => {
    expectRel(studentTQuantile(0.975, 1e9), 1.959963984540054, 1e-8);
    for (const df of [1, 2.5, 9, 40]) for (const p of [0.01, 0.2, 0.5, 0.77, 0.999]) expectRel(studentTCdf(studentTQuantile(p, df), df), p, 1e-11);
  });

  it('rejects bad degrees of freedom', () => {
    expect(() => studentTCdf(1, 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => studentTQuantile(0.5, -1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('special functions', () => {
  it('logGamma', () => {
    expectRel(logGamma(5), Math.log(24), 1e-14);
    expectRel(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-14);
    expectRel(logGamma(0.1), 2.252712651734206, 1e-14); // scipy.special.gammaln(0.1)
    expectRel(logGamma(100), 359.1342053695754, 1e-14); // scipy.special.gammaln(100)
  });

  it('regularizedIncompleteBeta', () => {
    expectRel(regularizedIncompleteBeta(0.5, 2, 2), 0.5, 1e-14);
    expectRel(regularizedIncompleteBeta(0.3, 2, 3), 0.34829999999999994, 1e-13); // scipy.special.betainc(2, 3, 0.3)
    expectRel(regularizedIncompleteBeta(0.02, 0.5, 7.5), 0.4117782535824696, 1e-12); // scipy.special.betainc(0.5, 7.5, 0.02)
    expectRel(regularizedIncompleteBeta(0.45, 30, 40), 0.6447480085585666, 1e-12); // scipy.special.betainc(30, 40, 0.45)
    expect(regularizedIncompleteBeta(0, 2, 3)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 3)).toBe(1);
  });

  it('regularizedGammaP and chiSquareCdf', () => {
    expectRel(regularizedGammaP(1, 2), 1 - Math.exp(-2), 1e-14);
    expectRel(regularizedGammaP(3.5, 2), 0.22022259152428406, 1e-13); // scipy.special.gammainc(3.5, 2.0)
    expectRel(chiSquareCdf(2, 2), 1 - Math.exp(-1), 1e-14);
    expectRel(chiSquareCdf(7.3, 4), 0.8791412511787876, 1e-13); // scipy.stats.chi2.cdf(7.3, 4)
    expectRel(chiSquareCdf(150, 120), 0.9669265190886953, 1e-12); // scipy.stats.chi2.cdf(150, 120)
    expect(chiSquareCdf(-1, 3)).toBe(0);
  });
});
