import { describe, expect, it } from 'vitest';
import { detectAnomalies } from '../../src/detection/anomalies.js';
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
    expect(a!.score).toBe(Number.POSITIVE_INFINITY);
    expect(detectAnomalies([...new Array<number>(20).fill(5), 5])).toEqual([]);
  });

  it('needs a minimum baseline and rejects bad options', () => {
    expect(detectAnomalies([1, 2, 100])).toEqual([]);
    expect(() => detectAnomalies([1], { threshold: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
