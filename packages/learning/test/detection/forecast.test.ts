import { describe, expect, it } from 'vitest';
import { forecast } from '../../src/detection/forecast.js';

describe('forecast (Holt, ETS(A,A,N))', () => {
  it('matches a hand-computed series with fixed parameters', () => {
    // x = 10, 12, 13, 15; α = 0.5, β = 0.3; ℓ0 = 10, b0 = (15 − 10)/3 = 5/3 (mean first difference).
    // t=1: ŷ = 11.6667, e = 0.3333, ℓ = 11.8333, b = 1.7667
    // t=2: ŷ = 13.6,    e = −0.6,   ℓ = 13.3,    b = 1.5867
    // t=3: ŷ = 14.8867, e = 0.1133, ℓ = 14.9433, b = 1.6207
    // SSE = 0.1111 + 0.36 + 0.01284 = 0.48396; σ² = SSE / (n − 3) = 0.48396.
    // h=2: σ₂² = σ² [1 + 1·(α² + αβ·2 + β²·2·3/6)] = σ² · 1.64 (FPP3 Table 8.8).
    const f = forecast([10, 12, 13, 15], { alpha: 0.5, beta: 0.3, horizon: 2, level: 0.95 });
    const e1 = 12 - (10 + 5 / 3);
    const l1 = 10 + 5 / 3 + 0.5 * e1;
    const b1 = 5 / 3 + 0.3 * e1;
    const e2 = 13 - (l1 + b1);
    const l2 = l1 + b1 + 0.5 * e2;
    const b2 = b1 + 0.3 * e2;
    const e3 = 15 - (l2 + b2);
    const l3 = l2 + b2 + 0.5 * e3;
    const b3 = b2 + 0.3 * e3;
    expect(l3).toBeCloseTo(14.9433, 4);
    expect(b3).toBeCloseTo(1.6207, 4);
    expect(f.level).toBeCloseTo(l3, 12);
    expect(f.trend).toBeCloseTo(b3, 12);
    const sigma2 = e1 * e1 + e2 * e2 + e3 * e3;
    expect(f.sigma).toBeCloseTo(Math.sqrt(sigma2), 12);
    const z = 1.959963984540054; // scipy.stats.norm.ppf(0.975)
    expect(f.points[0]!.mean).toBeCloseTo(l3 + b3, 12);
    expect(f.points[0]!.upper - f.points[0]!.mean).toBeCloseTo(z * Math.sqrt(sigma2), 6);
    expect(f.points[1]!.upper - f.points[1]!.mean).toBeCloseTo(z * Math.sqrt(sigma2 * 1.64), 6);
  });

  it('tracks a noiseless line exactly and says when it crosses a threshold', () => {
    const f = forecast([50, 51, 52, 53, 54, 55, 56, 57]);
    expect(f.trend).toBeCloseTo(1, 6);
    expect(f.points[0]!.mean).toBeCloseTo(58, 6);
    expect(f.stepsUntil(60)).toMatchObject({ steps: 3 });
    expect(f.stepsUntil(57)?.steps).toBe(0);
    expect(f.stepsUntil(40)).toBeUndefined();
  });

  it('gives wider intervals further ahead and an earliest ≤ steps ≤ latest crossing', () => {
    const v = Array.from({ length: 40 }, (_, i) => 30 + 0.5 * i + Math.sin(i * 1.7) * 1.5);
    const f = forecast(v, { horizon: 20 });
    for (let h = 1; h < 20; h++) expect(f.points[h]!.upper - f.points[h]!.lower).toBeGreaterThan(f.points[h - 1]!.upper - f.points[h - 1]!.lower - 1e-9);
    const c = f.stepsUntil(60)!;
    expect(c.earliest).toBeLessThanOrEqual(c.steps);
    if (c.latest !== undefined) expect(c.latest).toBeGreaterThanOrEqual(c.steps);
  });

  it('rejects an empty series and bad options', () => {
    expect(() => forecast([null, Number.NaN])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => forecast([1, 2, 3], { horizon: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => forecast([1, 2, 3], { alpha: 0.2, beta: 0.5 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
