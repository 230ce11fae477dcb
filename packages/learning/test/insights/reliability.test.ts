import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { adjustConfidence, learnReliability, logit, NO_RELIABILITY, sigmoid } from '../../src/insights/reliability.js';

describe('learnReliability (beta-binomial recalibration)', () => {
  it('changes nothing before any outcome is known', () => {
    expect(learnReliability([])).toBe(NO_RELIABILITY);
    expect(adjustConfidence(0.9, NO_RELIABILITY)).toBe(0.9);
  });

  it('matches the closed form: 5 findings at 0.9, all refuted, κ = 4', () => {
    const r = learnReliability(Array.from({ length: 5 }, () => [0.9, false] as const));
    // posterior mean (4·0.9 + 0) / (4 + 5) = 0.4; shift logit(0.4) − logit(0.9)
    expect(r.posteriorPrecision).toBeCloseTo(0.4, 12);
    expect(r.logOddsShift).toBeCloseTo(Math.log(0.4 / 0.6) - Math.log(9), 10);
    expect(adjustConfidence(0.9, r)).toBeCloseTo(0.4, 6);
    expect(r).toMatchObject({ resolved: 5, confirmed: 0, refuted: 5 });
  });

  it('raises confidence for a metric whose findings keep being confirmed', () => {
    const r = learnReliability(Array.from({ length: 5 }, () => [0.7, true] as const));
    expect(r.posteriorPrecision).toBeCloseTo((4 * 0.7 + 5) / 9, 12);
    expect(adjustConfidence(0.7, r)).toBeGreaterThan(0.7);
  });

  it('a stronger prior moves less', () => {
    const outcomes = Array.from({ length: 4 }, () => [0.9, false] as const);
    expect(adjustConfidence(0.9, learnReliability(outcomes, 40))).toBeGreaterThan(adjustConfidence(0.9, learnReliability(outcomes, 4)));
  });

  it('rejects a bad prior strength or confidence', () => {
    expect(() => learnReliability([], 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => learnReliability([[1.5, true]])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  test.prop([fc.array(fc.tuple(fc.double({ min: 0.05, max: 0.95, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 40 }), fc.double({ min: 0.01, max: 0.99, noNaN: true })])(
    'adjusted confidence stays in (0, 1) and moves with the confirmation rate',
    (outcomes, c) => {
      const r = learnReliability(outcomes);
      const adj = adjustConfidence(c, r);
      expect(adj).toBeGreaterThan(0);
      expect(adj).toBeLessThan(1);
      // More confirmations than promised → no decrease; fewer → no increase.
      const promised = outcomes.reduce((s, [x]) => s + x, 0);
      if (r.confirmed > promised + 1e-9) expect(adj).toBeGreaterThanOrEqual(c - 1e-12);
      if (r.confirmed < promised - 1e-9) expect(adj).toBeLessThanOrEqual(c + 1e-12);
    },
  );

  test.prop([fc.double({ min: -30, max: 30, noNaN: true })])('sigmoid inverts logit', (x) => {
    const p = sigmoid(x);
    if (p > 1e-6 && p < 1 - 1e-6) expect(logit(p)).toBeCloseTo(x, 6);
  });
});

describe('recalibration converges to the observed precision', () => {
  it('a detector promising 0.95 that is right half the time ends near 0.5 on that metric', async () => {
    const { rng } = await import('./helpers.js');
    const u = rng(99);
    const outcomes = Array.from({ length: 200 }, () => [0.95, u() < 0.5] as const);
    const r = learnReliability(outcomes);
    const observed = r.confirmed / r.resolved;
    // Posterior mean (4·0.95 + Y) / 204 is within 0.01 of the observed rate; the adjusted confidence follows it.
    expect(Math.abs(r.posteriorPrecision - observed)).toBeLessThan(0.01);
    expect(Math.abs(adjustConfidence(0.95, r) - observed)).toBeLessThan(0.01);
  });
});
