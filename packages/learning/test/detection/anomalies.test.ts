import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { detectAnomalies } from '../../src/detection/anomalies.js';
import { calibrate } from '../../src/detection/calibration.js';
import { ANOMALY_CALIBRATION, CONFIRMED_ANOMALY_CALIBRATION } from '../../src/detection/calibration-tables.js';
import { CONFIRMED_COUNT_ANOMALY_CALIBRATION } from '../../src/detection/count-calibration-tables.js';
import { gaussian, mulberry32 } from '../../src/detection/internal/numeric.js';

const noise = (n: number, level: number, sd: number, seed: number): number[] => {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => level + sd * gaussian(r));
};

describe('detectAnomalies', () => {
  it('flags a spike in the newest point with its robust z-score', () => {
    const base = noise(30, 10, 0.5, 1);
    const [a] = detectAnomalies([...base, 20]);
    expect(a).toBeDefined();
    expect(a!.index).toBe(30);
    expect(a!.direction).toBe(1);
    expect(a!.score).toBeGreaterThan(10);
    expect(a!.expected).toBeCloseTo(10, 0);
    expect(a!.pValue).toBeLessThan(1e-6);
    expect(detectAnomalies([...base, 0])[0]!.direction).toBe(-1);
  });

  it('does not flag an ordinary point', () => {
    expect(detectAnomalies([...noise(30, 10, 0.5, 2), 10.3])).toEqual([]);
  });

  it('does not turn a level shift into a string of anomalies', () => {
    const v = [...noise(30, 10, 0.5, 3), ...noise(12, 20, 0.5, 4)];
    // Scan every point as the newest one: only the first point of the shift can look like a spike.
    let flagged = 0;
    for (let t = 31; t <= v.length; t++) flagged += detectAnomalies(v.slice(0, t)).length;
    expect(flagged).toBeLessThanOrEqual(1);
  });

  it('counts missing values in the index and handles a zero MAD', () => {
    const v: Array<number | null> = [...new Array<number>(20).fill(5), null, 9];
    const [a] = detectAnomalies(v);
    expect(a!.index).toBe(21);
    // A constant whole-number baseline steps by 1: the count model scores 4 steps after 20 identical runs.
    expect(a).toMatchObject({ model: 'count', direction: 1 });
    expect(a!.score).toBeGreaterThan(3.5);
    expect(detectAnomalies([...new Array<number>(20).fill(5), 5])).toEqual([]);
    // A constant with more than 6 decimals has no recorded precision to step by: the robust z stays infinite.
    const [c] = detectAnomalies([...new Array<number>(20).fill(0.1234567), 9]);
    expect(c).toMatchObject({ model: 'robust-z', score: Number.POSITIVE_INFINITY });
  });

  it('confirms a spike once the next run is back at the baseline, with higher confidence', () => {
    const base = noise(30, 10, 0.5, 5);
    const [newest] = detectAnomalies([...base, 25]);
    expect(newest!.confirmed).toBe(false);
    // The same point one run later: its successor is ordinary, so it was a one-off spike, not a shift start.
    const later = detectAnomalies([...base, 25, 10.1], { recent: 2 });
    expect(later).toHaveLength(1);
    expect(later[0]).toMatchObject({ index: 30, confirmed: true, score: newest!.score, expected: newest!.expected });
    expect(Math.abs(newest!.score)).toBeGreaterThan(25);
    expect(later[0]!.confidence).toBeGreaterThan(0.9);
    expect(later[0]!.confidence).toBeGreaterThan(newest!.confidence);
  });

  it('drops a point that the next run shows to be the start of a level shift', () => {
    const base = noise(30, 10, 0.5, 6);
    expect(detectAnomalies([...base, 25, 24.8], { recent: 2 })).toEqual([]);
    // A successor far out on the other side is no confirmation either way: reported, unconfirmed.
    const [a] = detectAnomalies([...base, 25, -5], { recent: 2 });
    expect(a).toMatchObject({ index: 30, confirmed: false });
    expect(a!.confidence).toBe(calibrate(ANOMALY_CALIBRATION, Math.abs(a!.score)));
  });

  it('never confirms the start of a level shift, whatever the number of tested runs', () => {
    for (const [seed, jump] of [[7, 10], [8, 3], [9, -4], [10, 2]] as const) {
      const v = [...noise(30, 10, 0.5, seed), ...noise(15, 10 + jump, 0.5, seed + 100)];
      for (const recent of [2, 3, 5]) {
        const likely = new Set<number>();
        for (let t = 31; t <= v.length; t++) {
          for (const a of detectAnomalies(v.slice(0, t), { recent })) {
            if (a.index === 30) expect(a.confirmed).toBe(false);
            if (a.confidence >= 0.5) likely.add(a.index);
          }
        }
        // Only the first run of the shift, while it is still the newest, may look like a likely spike.
        expect([...likely].every((i) => i === 30)).toBe(true);
      }
    }
  });

  it('ships a confirmed-spike map that rises above the newest-point map for large scores', () => {
    const { scores, probabilities } = CONFIRMED_ANOMALY_CALIBRATION;
    for (let k = 1; k < scores.length; k++) {
      expect(scores[k]!).toBeGreaterThan(scores[k - 1]!);
      expect(probabilities[k]!).toBeGreaterThanOrEqual(probabilities[k - 1]!);
    }
    expect(calibrate(CONFIRMED_ANOMALY_CALIBRATION, 25)).toBeGreaterThan(calibrate(ANOMALY_CALIBRATION, 25) + 0.05);
  });

  const history = fc.array(fc.integer({ min: -50, max: 50 }).map((x) => 100 + x / 10), { minLength: 8, maxLength: 40 });
  test.prop([history, fc.integer({ min: -400, max: 400 }).map((x) => 100 + x / 10)])(
    'an anomaly followed by a run at the baseline keeps its score and becomes confirmed',
    (h, last) => {
      const before = detectAnomalies([...h, last]);
      expect(before.every((a) => !a.confirmed && a.confidence >= 0 && a.confidence <= 1)).toBe(true);
      if (before.length === 0) return;
      const a = before[0]!;
      // With recent: 2 the tested window starts at the same run, so the baseline is the same.
      const after = detectAnomalies([...h, last, a.expected], { recent: 2 });
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({ index: a.index, score: a.score, expected: a.expected, confirmed: true });
      // A series on a lattice (here every value a multiple of 0.1) is scored by the count model, with its own map.
      const map = a.model === 'count' ? CONFIRMED_COUNT_ANOMALY_CALIBRATION : CONFIRMED_ANOMALY_CALIBRATION;
      expect(after[0]!.model).toBe(a.model);
      expect(after[0]!.confidence).toBe(calibrate(map, Math.min(1000, Math.abs(a.score))));
    },
  );

  it('confirms a count-model anomaly with the confirmed count map (counterexample found by the property above)', () => {
    const h = [100, 100, 100, 100, 100, 100, 100, 100];
    const [a] = detectAnomalies([...h, 97]);
    expect(a).toMatchObject({ model: 'count', confirmed: false });
    const [after] = detectAnomalies([...h, 97, a!.expected], { recent: 2 });
    expect(after).toMatchObject({ model: 'count', confirmed: true, score: a!.score });
    expect(after!.confidence).toBe(calibrate(CONFIRMED_COUNT_ANOMALY_CALIBRATION, Math.abs(a!.score)));
    expect(after!.confidence).not.toBe(calibrate(CONFIRMED_ANOMALY_CALIBRATION, Math.abs(a!.score)));
  });

  it('needs a minimum baseline and rejects bad options', () => {
    expect(detectAnomalies([1, 2, 100])).toEqual([]);
    expect(() => detectAnomalies([1], { threshold: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('detectAnomalies on discrete and quantised metrics', () => {
  it('does not flag a value the baseline has seen often, however small the MAD', () => {
    // 0/1 counts: the MAD is 0, so the robust z of a 1 is infinite; but 1 is a third of the history.
    expect(detectAnomalies([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1])).toEqual([]);
    // Whole-second timings: 60 was seen 7 times in 19 runs.
    expect(detectAnomalies([61, 61, 61, 61, 61, 61, 61, 60, 62, 60, 62, 61, 60, 62, 60, 61, 60, 60, 61, 60])).toEqual([]);
  });

  it('still flags a value beyond anything the quantised history reached', () => {
    const [a] = detectAnomalies([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 12]);
    expect(a).toMatchObject({ index: 14, direction: 1 });
    // The baseline (30 runs) reached 5 once: its step is 5, so a second 5 is one step out, p ≈ 0.048 (not an
    // outlier); 20 is four steps out, p ≈ 2.6e-6.
    const history = [...new Array<number>(40).fill(0), 5, ...new Array<number>(19).fill(0)];
    expect(detectAnomalies([...history, 5])).toEqual([]);
    expect(detectAnomalies([...history, 20])[0]).toMatchObject({ index: 60, model: 'count' });
  });
});

describe('detectAnomalies count model (discrete baseline, MAD 0 or one step)', () => {
  // Posterior predictive of a Poisson model with Jeffreys' Gamma(½) prior after n runs totalling S: negative
  // binomial with r = S + ½ and success probability n / (n + 1). Its tail P(D ≥ d) summed term by term from d
  // upwards (not 1 − the head, which cancels catastrophically for tiny tails).
  const nbTail = (n: number, s: number, d: number): number => {
    const q = n / (n + 1);
    const r = s + 0.5;
    let term = Math.pow(q, r);
    for (let k = 0; k < d; k++) term *= ((k + r) / (k + 1)) * (1 - q);
    let tail = 0;
    for (let k = d; term > 1e-30 * tail || tail === 0; k++) {
      tail += term;
      term *= ((k + r) / (k + 1)) * (1 - q);
    }
    return tail;
  };
  const zeros = new Array<number>(30).fill(0);

  it('gives the negative binomial tail as the p-value', () => {
    // One failing test after 30 clean runs: p = 1 − (30/31)^½ = 0.01626 — ordinary, not an outlier.
    expect(nbTail(30, 0, 1)).toBeCloseTo(1 - Math.sqrt(30 / 31), 12);
    expect(detectAnomalies([...zeros, 1])).toEqual([]);
    for (const d of [2, 3, 5]) {
      const [a] = detectAnomalies([...zeros, d]);
      expect(a).toMatchObject({ model: 'count', expected: 0, direction: 1 });
      expect(a!.pValue / nbTail(30, 0, d)).toBeCloseTo(1, 6);
    }
    // The z is the normal z with the same two-sided p: 2 failures, p = 3.945e-4, z = 3.544.
    expect(detectAnomalies([...zeros, 2])[0]!.score).toBeCloseTo(3.5437, 3);
    // With earlier steps off the usual value, S counts them: 3 ones in 30 runs, then 4.
    const ones = [...zeros.slice(0, 27), 1, 1, 1];
    expect(detectAnomalies([...ones, 4])[0]!.pValue / nbTail(30, 3, 4)).toBeCloseTo(1, 6);
  });

  it('works in steps of the lattice: tenths of a second, whole seconds off a large value', () => {
    const tenths = [...new Array<number>(24).fill(0.4), 0.3, 0.3, 0.2, 0.4, 0.4, 0.3];
    expect(detectAnomalies([...tenths, 0.2])).toEqual([]);
    const [slow] = detectAnomalies([...tenths, 1.5]); // 11 steps of 0.1 above 0.4
    expect(slow).toMatchObject({ model: 'count', expected: 0.4, direction: 1 });
    expect(slow!.pValue / nbTail(30, 5, 11)).toBeCloseTo(1, 6);
    const seconds = [...new Array<number>(26).fill(61), 60, 62, 61, 60];
    expect(detectAnomalies([...seconds, 62])).toEqual([]);
    expect(detectAnomalies([...seconds, 75])[0]).toMatchObject({ model: 'count', expected: 61 });
  });

  it('also scores a count whose MAD is one step, and leaves wider or continuous spreads to the robust z', () => {
    const warnings = [2, 1, 3, 2, 2, 4, 1, 2, 3, 2, 0, 2, 3, 1, 2, 2, 5, 2, 1, 3, 2, 2, 1, 3, 2, 4, 2, 1, 2, 3];
    const [a] = detectAnomalies([...warnings, 12]);
    expect(a).toMatchObject({ model: 'count', expected: 2 });
    // Distances from 2 total 21 over 30 runs; 12 is 10 steps out.
    expect(a!.pValue / nbTail(30, 21, 10)).toBeCloseTo(1, 6);
    const wide = warnings.map((w) => w * 3); // on a lattice of 3, but its MAD is one step of 3 as well
    expect(detectAnomalies([...wide, 36])[0]?.model).toBe('count');
    const spread = [10, 14, 7, 12, 9, 15, 6, 11, 13, 8, 10, 12, 9, 14, 7, 11, 10, 13, 8, 12, 9, 11, 10, 15, 6, 12, 9, 13, 11, 10];
    expect(detectAnomalies([...spread, 40])[0]?.model).toBe('robust-z');
  });

  it('does not take denormal or tiny differences for a lattice, and never fails on extreme distances', () => {
    // fast-check found this: the smallest distance 5e-324 made every other distance an "integer" number of steps.
    expect(() => detectAnomalies([0, 0, 0, 0, 0, 0, -5e-324, -6.624337284156405e-170, 1.3214183098216576e-180])).not.toThrow();
    expect(() => detectAnomalies([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1e300])).not.toThrow();
    const [far] = detectAnomalies([...new Array<number>(20).fill(0), 1, 0, 0, 1e300]);
    expect(far).toMatchObject({ model: 'count', pValue: 0 });
  });

  // Mostly one value (the count model's case), with any finite doubles mixed in: tiny, huge, denormal.
  const mostlyOneValue = fc
    .tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.array(fc.oneof(fc.constant(null), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -3, max: 3 })), { minLength: 1, maxLength: 30 }))
    .map(([mode, others]) => [...new Array<number>(12).fill(mode), ...others.map((o) => (o === null ? mode : o))]);
  test.prop([mostlyOneValue, fc.integer({ min: 1, max: 3 })], { numRuns: 300 })('never throws, and gives p-values and confidences in [0, 1]', (values, recent) => {
    for (const a of detectAnomalies(values, { recent })) {
      expect(a.pValue).toBeGreaterThanOrEqual(0);
      expect(a.pValue).toBeLessThanOrEqual(1);
      expect(a.confidence).toBeGreaterThanOrEqual(0);
      expect(a.confidence).toBeLessThanOrEqual(1);
      expect(Number.isNaN(a.score)).toBe(false);
    }
  });

  it('keeps a stable 0/1 count quiet at every run while the robust z alone would flag it', () => {
    // 10% ones: early baselines are often all 0 (MAD 0). Each prefix from the 10th run on is tested as newest.
    const rnd = mulberry32(99);
    let flagged = 0;
    for (let s = 0; s < 50; s++) {
      const v = Array.from({ length: 40 }, () => (rnd() < 0.1 ? 1 : 0));
      for (let end = 10; end <= 40; end++) if ((detectAnomalies(v.slice(0, end))[0]?.confidence ?? 0) >= 0.8) flagged++;
    }
    expect(flagged).toBe(0);
  });
});
