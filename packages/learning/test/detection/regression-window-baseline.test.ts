import { describe, expect, it } from 'vitest';
import { detectRegression } from '../../src/detection/regression.js';
import { mulberry32 as rng } from '../../src/stats/internal/random.js';

describe('detectRegression: a step covering 4 of the 5 newest runs', () => {
  it('is caught although the short window’s baseline would have held a new-level run', () => {
    // Noise σ 1.3 around 42, then a +28% (~9σ) step in the newest 4 runs. A spurious change point in the
    // stable part shortens the baseline; before the fix the 3-run window was compared with a baseline that
    // ended 3 runs back, i.e. held 54.48, and these seeds came out 'no-change' (p ≈ 0.003 > 0.002).
    for (const seed of [15, 56]) {
      const u = rng(seed);
      const g = () => Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u());
      const values = [...Array.from({ length: 36 }, () => 42 + 1.3 * g()), 54.48, 54.7, 51.66, 53.3];
      const r = detectRegression(values);
      expect(r.status, `seed ${seed}`).toBe('increase');
      // The baseline stops before the widest (5-run) window: no run of the new level is in it.
      expect(r.baseline.start + r.baseline.n).toBe(35);
      expect(r.baseline.median).toBeLessThan(43);
      expect(r.relativeShift).toBeGreaterThan(0.2);
    }
  });

  it('compares every window with a baseline that holds none of the 4 new-level runs', () => {
    for (const seed of [1, 2, 3, 4]) {
      const u = rng(seed);
      const values = [...Array.from({ length: 36 }, () => 42 + (2 * u() - 1)), 54.48, 54.7, 51.66, 53.3];
      const r = detectRegression(values);
      expect(r.status, `seed ${seed}`).toBe('increase');
      expect(r.baseline.n).toBe(35);
      expect(r.baseline.median).toBeLessThan(43);
    }
  });

  it('keeps a stable series quiet', () => {
    const u = rng(99);
    const values = Array.from({ length: 40 }, () => 42 + (2 * u() - 1));
    expect(detectRegression(values).status).toBe('no-change');
  });
});
