import { describe, expect, it } from 'vitest';
import { compareSamples, detectAnomalies, detectChangePoints, detectDrift, detectRegression, forecast } from '../../src/detection/index.js';

const noisy = (n: number, level: number, seed = 1): number[] => {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 16807) % 2147483647;
    return level + ((s / 2147483647) - 0.5) * 0.4;
  });
};

describe('detection entry points', () => {
  it('finds one step and reports its index in the original indexing', () => {
    const v: Array<number | null> = [...noisy(30, 10), ...noisy(30, 12, 7)];
    v.splice(5, 0, null, Number.NaN);
    const cps = detectChangePoints(v);
    expect(cps.map((c) => c.index)).toEqual([32]);
    expect(cps[0]!.before).toBeCloseTo(10, 0);
    expect(cps[0]!.after).toBeCloseTo(12, 0);
  });
  it('does not call a single newest outlier a change point, but an anomaly', () => {
    const v = [...noisy(40, 10), 50];
    expect(detectChangePoints(v)).toEqual([]);
    expect(detectAnomalies(v).map((a) => a.index)).toEqual([40]);
  });
  it('flags a regression after a few shifted runs', () => {
    const r = detectRegression([...noisy(30, 10), ...noisy(5, 11, 3)]);
    expect(r.status).toBe('increase');
    expect(r.relativeShift).toBeGreaterThan(0.05);
  });
  it('compares, forecasts and detects drift', () => {
    expect(compareSamples(noisy(20, 10), noisy(20, 11, 5)).verdict).toBe('b-higher');
    expect(forecast([50, 51, 52, 53, 54, 55, 56, 57]).stepsUntil(60)?.steps).toBe(3);
    expect(detectDrift(Array.from({ length: 30 }, (_, i) => 100 + i * 0.5 + (i % 3))).status).toBe('increasing');
  });
});
