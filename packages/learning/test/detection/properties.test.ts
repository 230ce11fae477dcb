import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import * as tables from '../../src/detection/calibration-tables.js';
import { compareSamples } from '../../src/detection/compare-samples.js';
import { covering, f1Score } from '../../src/detection/scoring.js';

const sample = fc.array(fc.integer({ min: -1000, max: 1000 }).map((x) => x / 10), { minLength: 3, maxLength: 25 });

describe('properties', () => {
  test.prop([sample, sample])('compareSamples is antisymmetric in its groups', (a, b) => {
    const ab = compareSamples(a, b);
    const ba = compareSamples(b, a);
    expect(ab.shift).toBeCloseTo(-ba.shift, 9);
    expect(ab.pValue).toBeCloseTo(ba.pValue, 9);
    expect(ab.effectSize).toBeCloseTo(-ba.effectSize, 9);
    expect(ab.shiftInterval[0]).toBeCloseTo(-ba.shiftInterval[1], 9);
    expect(ab.shiftInterval[0]).toBeLessThanOrEqual(ab.shift + 1e-9);
    expect(ab.shiftInterval[1]).toBeGreaterThanOrEqual(ab.shift - 1e-9);
    expect(ab.pValue).toBeGreaterThan(0);
    expect(ab.pValue).toBeLessThanOrEqual(1);
  });

  test.prop([sample, fc.integer({ min: -100, max: 100 })])('shifting b by d shifts the Hodges–Lehmann estimate by d', (a, d) => {
    const base = compareSamples(a, a);
    const moved = compareSamples(
      a,
      a.map((x) => x + d),
    );
    expect(moved.shift - base.shift).toBeCloseTo(d, 9);
  });

  const points = fc.uniqueArray(fc.integer({ min: 1, max: 98 }), { maxLength: 6 });
  test.prop([fc.array(points, { minLength: 1, maxLength: 4 }), points])('F1 and cover lie in [0, 1]; a lone annotator is matched perfectly by itself', (anns, pred) => {
    const annotations = Object.fromEntries(anns.map((a, i) => [`u${i}`, a]));
    const f = f1Score(annotations, pred, { n: 100 });
    const c = covering(annotations, pred, 100);
    for (const v of [f.f1, f.precision, f.recall, c]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1 + 1e-12);
    }
    expect(f1Score({ a: anns[0]! }, anns[0]!).f1).toBe(1);
    expect(covering({ a: anns[0]! }, anns[0]!, 100)).toBeCloseTo(1, 12);
  });

  it('ships calibration maps that are increasing in score and non-decreasing in probability', () => {
    for (const map of [tables.REGRESSION_CALIBRATION, tables.CHANGE_POINT_CALIBRATION, tables.ANOMALY_CALIBRATION, tables.DRIFT_CALIBRATION]) {
      expect(map.scores.length).toBe(map.probabilities.length);
      expect(map.scores.length).toBeGreaterThan(3);
      for (let i = 1; i < map.scores.length; i++) {
        expect(map.scores[i]!).toBeGreaterThanOrEqual(map.scores[i - 1]!);
        expect(map.probabilities[i]!).toBeGreaterThanOrEqual(map.probabilities[i - 1]!);
      }
      for (const p of map.probabilities) expect(p >= 0 && p <= 1).toBe(true);
    }
  });
});
