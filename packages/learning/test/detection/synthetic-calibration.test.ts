import { describe, expect, it } from 'vitest';
import { calibrate, expectedCalibrationError, fitCalibration, reliabilityTable } from '../../src/detection/calibration.js';
import { generateCiSeries, generateCiSuite } from '../../src/detection/synthetic.js';

describe('generateCiSeries', () => {
  it('is deterministic for a seed and labels its truth', () => {
    const a = generateCiSeries({ seed: 42, kind: 'step', relativeStep: 0.2, noiseCv: 0.05, length: 80, changeAt: 50, outlierRate: 0 });
    const b = generateCiSeries({ seed: 42, kind: 'step', relativeStep: 0.2, noiseCv: 0.05, length: 80, changeAt: 50, outlierRate: 0 });
    expect(a.values).toEqual(b.values);
    expect(a.truth[49]).toBe(a.base);
    expect(a.truth[50]).toBeCloseTo(a.base * 1.2, 10);
    expect(a.sigma).toBeCloseTo(0.05 * a.base, 10);
    expect(generateCiSeries({ seed: 43 }).values).not.toEqual(generateCiSeries({ seed: 44 }).values);
  });

  it('injects labelled spikes and keeps noise near the requested CV', () => {
    const s = generateCiSeries({ seed: 7, kind: 'stable', length: 2000, noiseCv: 0.1, noise: 'bimodal', outlierRate: 0.02, base: 100 });
    expect(s.outliers.length).toBeGreaterThan(10);
    const clean = s.values.filter((_, i) => !s.outliers.includes(i));
    const m = clean.reduce((x, y) => x + y, 0) / clean.length;
    const sd = Math.sqrt(clean.reduce((x, y) => x + (y - m) ** 2, 0) / clean.length);
    expect(sd).toBeGreaterThan(8);
    expect(sd).toBeLessThan(12);
  });

  it('keeps the default draws when no ranges are given (the calibration maps are fitted on them)', () => {
    // Pinned from the generator as the maps were fitted; any change to the default draw order breaks it.
    const s = generateCiSeries({ seed: 1 });
    expect(s).toMatchObject({ kind: 'step', noise: 'heavy', changeAt: 42, outliers: [] });
    expect(s.values).toHaveLength(60);
    expect(s.values[0]).toBe(101.16287351662302);
    const explicit = {
      noiseCv: [0.01, 0.2],
      noise: { gaussian: 0.5, bimodal: 0.25, heavy: 0.25 },
      spikyShare: 0.5,
      outlierRate: [0.01, 0.03],
      spikeSigmas: [5, 20],
      relativeStep: [0.02, 0.5],
      relativeDrift: [0.05, 0.5],
    } as const;
    expect(generateCiSuite({ seed: 3, count: 40, ranges: explicit })).toEqual(generateCiSuite({ seed: 3, count: 40 }));
  });

  it('draws from the ranges it is given', () => {
    const suite = generateCiSuite({
      seed: 9,
      count: 60,
      mix: { step: 1 },
      ranges: { noiseCv: [0.005, 0.01], noise: { heavy: 1 }, spikyShare: 1, outlierRate: [0.05, 0.05], spikeSigmas: [30, 30], relativeStep: [0.01, 0.02] },
    });
    for (const s of suite) {
      expect(s.noise).toBe('heavy');
      expect(s.noiseCv).toBeGreaterThanOrEqual(0.005);
      expect(s.noiseCv).toBeLessThanOrEqual(0.01);
      expect(Math.abs(s.relativeStep!)).toBeGreaterThanOrEqual(0.01);
      expect(Math.abs(s.relativeStep!)).toBeLessThanOrEqual(0.02);
      for (const i of s.outliers) expect(Math.abs(s.values[i]! - s.truth[i]!)).toBeCloseTo(30 * s.sigma, 6);
    }
    // Every series spikes at 5%: about 3 spikes in 60–160 runs each.
    expect(suite.reduce((k, s) => k + s.outliers.length, 0) / suite.length).toBeGreaterThan(2);
    expect(generateCiSuite({ seed: 9, count: 30, ranges: { spikyShare: 0 } }).every((s) => s.outliers.length === 0)).toBe(true);
  });

  it('rejects reversed, negative or empty ranges', () => {
    for (const ranges of [{ noiseCv: [0.2, 0.1] }, { noiseCv: [0, 0.1] }, { outlierRate: [-0.1, 0.1] }, { relativeStep: [0.1, Number.POSITIVE_INFINITY] }, { spikyShare: 1.5 }, { noise: { gaussian: 0 } }] as const) {
      expect(() => generateCiSeries({ seed: 1, ranges })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
  });

  it('mixes kinds in a suite', () => {
    const suite = generateCiSuite({ seed: 1, count: 200 });
    const steps = suite.filter((s) => s.kind === 'step').length;
    expect(steps).toBeGreaterThan(50);
    expect(steps).toBeLessThan(110);
    expect(() => generateCiSuite({ seed: 1, count: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('calibration helpers', () => {
  it('fits a non-decreasing map by pool-adjacent-violators', () => {
    // Bins (one point each): outcomes 0, 1, 0, 1 → PAV pools the middle pair to 0.5.
    const map = fitCalibration([1, 2, 3, 4], [false, true, false, true], { bins: 4, prior: 'none' });
    expect(map.probabilities).toEqual([0, 0.5, 1]);
    expect(map.scores).toEqual([1, 2.5, 4]);
    expect(calibrate(map, 0)).toBe(0);
    expect(calibrate(map, 1.75)).toBeCloseTo(0.25, 12);
    expect(calibrate(map, 10)).toBe(1);
  });

  it('shrinks each pooled knot by a Jeffreys prior by default, so no knot claims 0 or 1', () => {
    // Same knots as above, weights 1, 2, 1: (0 + ½) / 2, (1 + ½) / 3, (1 + ½) / 2.
    const map = fitCalibration([1, 2, 3, 4], [false, true, false, true], { bins: 4 });
    expect(map.probabilities).toEqual([0.25, 0.5, 0.75]);
    // 40 findings, all real, in one knot: 40.5 / 41, not 1.
    const all = fitCalibration(new Array<number>(40).fill(5), new Array<boolean>(40).fill(true));
    expect(all.probabilities).toEqual([40.5 / 41]);
    // A light knot shrinks more and would fall below a heavy one under it: the two are pooled again.
    // Bins of 2: at score 1, 49 bins all real and one not (pooled: 0.98, weight 100); at score 2, one bin all real
    // (1, weight 2). Shrunk: 98.5 / 101 = 0.9752 and 2.5 / 3 = 0.8333, out of order, so pooled by weight.
    const scores = [...new Array<number>(100).fill(1), 2, 2];
    const real = [...new Array<boolean>(98).fill(true), false, false, true, true];
    expect(fitCalibration(scores, real, { bins: 51, prior: 'none' }).probabilities).toEqual([0.98, 1]);
    const pooled = fitCalibration(scores, real, { bins: 51 });
    expect(pooled.probabilities.length).toBe(1);
    expect(pooled.probabilities[0]).toBeCloseTo((100 * (98.5 / 101) + 2 * (2.5 / 3)) / 102, 12);
    expect(() => fitCalibration([1], [true], { prior: 'flat' as 'none' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('computes a reliability table and the ECE by hand', () => {
    // Bin 0.8–0.9: confidences 0.8, 0.8, 0.9 (mean 0.8333), 2 of 3 real (0.6667) → |gap| 0.1667, weight 3/4.
    // Bin 0.1–0.2: confidence 0.1, not real → gap 0.1, weight 1/4. ECE = 0.125 + 0.025 = 0.15.
    const conf = [0.8, 0.8, 0.9, 0.1];
    const real = [true, true, false, false];
    const table = reliabilityTable(conf, real, 10);
    expect(table[8]).toMatchObject({ count: 2 });
    expect(table[9]).toMatchObject({ count: 1, observedRate: 0 });
    expect(expectedCalibrationError(conf, real, 5)).toBeCloseTo(0.15, 12);
    expect(() => reliabilityTable([0.5], [])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('fitCalibration with tied scores', () => {
  it('merges knots at the same score into one', () => {
    const map = fitCalibration([0, 0, 0, 0, 1, 2], [false, false, true, false, true, true], { bins: 6, prior: 'none' });
    expect(new Set(map.scores).size).toBe(map.scores.length);
    expect(map.scores[0]).toBe(0);
    expect(map.probabilities[0]).toBeCloseTo(0.25, 12);
  });
});
