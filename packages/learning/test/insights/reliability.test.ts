import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { adjustConfidence, learnReliability, logit, NO_RELIABILITY, PERFECT_OUTCOME_TEST, sigmoid, type OutcomeTest } from '../../src/insights/reliability.js';
import { OUTCOME_TESTS } from '../../src/insights/feedback-loop.js';
import { rng } from './helpers.js';

const ofLength = <T>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

describe('learnReliability with a perfect outcome test (plain log-odds recalibration)', () => {
  it('changes nothing before any outcome is known', () => {
    expect(learnReliability([])).toBe(NO_RELIABILITY);
    expect(adjustConfidence(0.9, NO_RELIABILITY)).toBe(0.9);
  });

  it('is the posterior mode of δ: 5 findings at 0.9, all refuted, κ = 4', () => {
    const r = learnReliability(ofLength(5, [0.9, false] as const));
    // The mode solves −(κ/4)·δ = Σ σ(logit 0.9 + δ), i.e. δ = −5·σ(logit 0.9 + δ).
    expect(r.outcomeShift).toBeCloseTo(-5 * sigmoid(logit(0.9) + r.outcomeShift), 9);
    expect(adjustConfidence(0.9, r)).toBeCloseTo(sigmoid(logit(0.9) + r.outcomeShift), 12);
    expect(adjustConfidence(0.9, r)).toBeCloseTo(0.466, 3);
    expect(r).toMatchObject({ resolved: 5, confirmed: 0, refuted: 5, expectedConfirmed: 4.5 });
  });

  it('raises confidence for a metric whose findings are confirmed more often than promised', () => {
    const r = learnReliability(ofLength(5, [0.7, true] as const));
    expect(r.outcomeShift).toBeGreaterThan(0);
    expect(adjustConfidence(0.7, r)).toBeGreaterThan(0.7);
  });

  it('a stronger prior moves less, and a prior shift is where it starts from', () => {
    const outcomes = ofLength(4, [0.9, false] as const);
    expect(adjustConfidence(0.9, learnReliability(outcomes, 40))).toBeGreaterThan(adjustConfidence(0.9, learnReliability(outcomes, 4)));
    expect(learnReliability([], { priorShift: -1 }).outcomeShift).toBe(-1);
    expect(learnReliability(outcomes, { priorShift: -3 }).outcomeShift).toBeLessThan(learnReliability(outcomes).outcomeShift);
  });

  it('converges to the observed precision: a detector promising 0.95 that is right half the time', () => {
    const u = rng(99);
    const r = learnReliability(Array.from({ length: 200 }, () => [0.95, u() < 0.5] as const));
    const observed = r.confirmed / r.resolved;
    expect(Math.abs(adjustConfidence(0.95, r) - observed)).toBeLessThan(0.02);
    expect(Math.abs(r.posteriorPrecision - observed)).toBeLessThan(0.02);
  });
});

describe('learnReliability with an imperfect outcome test', () => {
  const anomaly = OUTCOME_TESTS.anomaly;

  it('gains almost nothing from confirmations that noise also earns (the anomaly test)', () => {
    // 200 noise flags at confidence 0.02, every one "came back": what an old success rate read as precision ≈ 1.
    const r = learnReliability(ofLength(200, [0.02, true] as const), { outcomeTest: anomaly });
    const c = adjustConfidence(0.02, r);
    // Bounded by P(real | c, confirmed) = β·c / (β·c + α·(1 − c)).
    const bound = (anomaly.sensitivity * 0.02) / (anomaly.sensitivity * 0.02 + anomaly.falseConfirmation * 0.98);
    expect(c).toBeLessThanOrEqual(bound + 1e-12);
    expect(c).toBeLessThan(0.03);
    // However many there are.
    expect(adjustConfidence(0.3, learnReliability(ofLength(5000, [0.3, true] as const), { outcomeTest: anomaly }))).toBeLessThan(0.36);
  });

  it('learns from refutations: anomalies that keep turning out to be level shifts lose their confidence', () => {
    const six = adjustConfidence(0.8, learnReliability(ofLength(6, [0.8, false] as const), { outcomeTest: anomaly }));
    const twelve = adjustConfidence(0.8, learnReliability(ofLength(12, [0.8, false] as const), { outcomeTest: anomaly }));
    expect(six).toBeLessThan(0.55);
    expect(twelve).toBeLessThan(0.35);
  });

  it('with a perfect test it is the classic intercept shift on the log-odds', () => {
    const r = learnReliability([[0.6, true], [0.8, false], [0.3, true]], { outcomeTest: PERFECT_OUTCOME_TEST });
    for (const c of [0.1, 0.5, 0.9]) expect(adjustConfidence(c, r)).toBeCloseTo(sigmoid(logit(c) + r.outcomeShift), 12);
  });

  it('rejects a bad prior strength, prior shift, confidence or outcome test', () => {
    expect(() => learnReliability([], 0)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => learnReliability([], { priorShift: Number.NaN })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => learnReliability([[1.5, true]])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => learnReliability([], { outcomeTest: { sensitivity: 0.5, falseConfirmation: 0.5 } })).toThrow(/must be below outcomeTest.sensitivity/);
    expect(() => learnReliability([], { outcomeTest: { sensitivity: 1.2, falseConfirmation: 0 } })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  const outcomeTest = fc
    .tuple(fc.double({ min: 0.5, max: 1, noNaN: true }), fc.double({ min: 0, max: 0.95, noNaN: true }))
    .filter(([b, a]) => a < b - 0.01)
    .map(([sensitivity, falseConfirmation]): OutcomeTest => ({ sensitivity, falseConfirmation }));
  const outcomes = fc.array(fc.tuple(fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 40 });

  test.prop([outcomes, outcomeTest, fc.double({ min: 0.01, max: 0.99, noNaN: true }), fc.double({ min: 0.01, max: 0.99, noNaN: true })])(
    'stays between P(real | c, refuted) and P(real | c, confirmed), keeps the order of confidences, and moves with the confirmations',
    (data, t, c1, c2) => {
      const r = learnReliability(data, { outcomeTest: t });
      const [lo, hi] = c1 < c2 ? [c1, c2] : [c2, c1];
      const a = adjustConfidence(lo, r);
      const b = adjustConfidence(hi, r);
      expect(a).toBeLessThanOrEqual(b + 1e-12);
      const e = t.sensitivity * lo + t.falseConfirmation * (1 - lo);
      expect(a).toBeLessThanOrEqual((t.sensitivity * lo) / e + 1e-9);
      expect(a).toBeGreaterThanOrEqual(((1 - t.sensitivity) * lo) / (1 - e) - 1e-9);
      // More confirmations than expected → no decrease; fewer → no increase.
      if (r.confirmed > r.expectedConfirmed + 1e-9) expect(r.outcomeShift).toBeGreaterThanOrEqual(0);
      if (r.confirmed < r.expectedConfirmed - 1e-9) expect(r.outcomeShift).toBeLessThanOrEqual(0);
    },
  );

  test.prop([fc.double({ min: -30, max: 30, noNaN: true })])('sigmoid inverts logit', (x) => {
    const p = sigmoid(x);
    if (p > 1e-6 && p < 1 - 1e-6) expect(logit(p)).toBeCloseTo(x, 6);
  });
});
