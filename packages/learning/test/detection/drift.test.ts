import { describe, expect, it } from 'vitest';
import { detectDrift } from '../../src/detection/drift.js';

describe('detectDrift', () => {
  it('matches a hand-computed Mann–Kendall example', () => {
    // x = 1, 3, 2, 4, 5: S = 9 concordant − 1 discordant = 8; Var S = 5·4·15/18 = 16.667;
    // z = (8 − 1)/√16.667 = 1.7146; p = 2·(1 − Φ(z)) = 0.0864107 (scipy.stats.norm.sf(1.7146)·2).
    const d = detectDrift([1, 3, 2, 4, 5], { minPoints: 5 });
    expect(d.s).toBe(8);
    expect(d.pValue).toBeCloseTo(0.0864107329737, 6);
    expect(d.status).toBe('no-drift');
    // Theil–Sen: median of the 10 pairwise slopes {2, 0.5, 1, 1, −1, 0.5, 0.667, 2, 1.5, 1} = 1.
    expect(d.slope).toBe(1);
  });

  it('detects a slow slowdown a step detector would not see', () => {
    const v = Array.from({ length: 30 }, (_, i) => 100 * (1 + 0.004 * i) + (i % 3) * 0.3);
    const d = detectDrift(v);
    expect(d.status).toBe('increasing');
    expect(d.slope).toBeGreaterThan(0.3);
    expect(d.relativeChange).toBeGreaterThan(0.1);
    expect(d.slopeInterval[0]).toBeLessThanOrEqual(d.slope);
    expect(d.slopeInterval[1]).toBeGreaterThanOrEqual(d.slope);
    expect(detectDrift(v.map((x) => -x)).status).toBe('decreasing');
  });

  it('stays quiet without a trend and needs enough points', () => {
    expect(detectDrift(Array.from({ length: 30 }, (_, i) => 10 + ((i * 7) % 5))).status).toBe('no-drift');
    expect(detectDrift([1, 2, 3]).status).toBe('insufficient-data');
  });

  it('uses original positions across missing values', () => {
    const d = detectDrift([0, null, 2, null, 4, null, 6, null, 8, null, 10, null, 12, null, 14, null, 16]);
    expect(d.slope).toBe(1);
    expect(d.window).toEqual({ start: 0, n: 9 });
  });
});
