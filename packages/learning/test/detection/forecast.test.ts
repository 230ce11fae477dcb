import { describe, expect, it } from 'vitest';
import { forecast } from '../../src/detection/forecast.js';
import { mulberry32 } from '../../src/detection/internal/numeric.js';

describe('forecast (exponential smoothing: SES, Holt, damped trend)', () => {
  /** ETS(A,Ad,N) one-step errors by hand from an initial state (φ = 1: Holt; β = 0, b0 = 0: SES). */
  function byHand(x: number[], alpha: number, beta: number, phi: number, l0: number, b0: number) {
    let l = l0;
    let b = b0;
    let sse = 0;
    for (const y of x) {
      const e = y - (l + phi * b);
      sse += e * e;
      l = l + phi * b + alpha * e;
      b = phi * b + beta * e;
    }
    return { l, b, sse };
  }

  it('matches a hand computation with fixed parameters, from the least-squares initial state', () => {
    // x = 10, 12, 13, 15; α = 0.5, β = 0.3. The errors from the state (ℓ0, b0) before the first value are
    // affine in (ℓ0, b0); forecast picks the pair with the least SSE, which we check by perturbing it.
    const x = [10, 12, 13, 15];
    const f = forecast(x, { alpha: 0.5, beta: 0.3, horizon: 2, level: 0.95, model: 'holt', interval: 'normal' });
    const { l, b, sse } = byHand(x, 0.5, 0.3, 1, f.initialLevel, f.initialTrend);
    for (const [dl, db] of [[1e-3, 0], [-1e-3, 0], [0, 1e-3], [0, -1e-3], [1e-3, -1e-3]] as const) {
      expect(byHand(x, 0.5, 0.3, 1, f.initialLevel + dl, f.initialTrend + db).sse).toBeGreaterThan(sse);
    }
    expect(f.level).toBeCloseTo(l, 10);
    expect(f.trend).toBeCloseTo(b, 10);
    // σ² = SSE / (n − 4) (α, β, ℓ0 and b0 count as fitted, R's ets convention), the divisor clamped to ≥ 1.
    const sigma2 = sse / 1;
    expect(f.sigma).toBeCloseTo(Math.sqrt(sigma2), 10);
    const z = 1.959963984540054; // scipy.stats.norm.ppf(0.975)
    expect(f.points[0]!.mean).toBeCloseTo(l + b, 10);
    expect(f.points[0]!.upper - f.points[0]!.mean).toBeCloseTo(z * Math.sqrt(sigma2), 6);
    // h=2: σ₂² = σ² [1 + 1·(α² + αβ·2 + β²·2·3/6)] = σ² · 1.64 (FPP3 Table 8.8).
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
    expect(() => forecast([1, 2, 3], { model: 'auto', alpha: 0.2 })).toThrow(/need a model/);
    expect(() => forecast([1, 2, 3], { model: 'holt', alpha: 0.5, beta: 0.1, phi: 0.9 })).toThrow(/phi/);
    expect(() => forecast([1, 2, 3], { model: 'ses', alpha: 0.5, beta: 0.1 })).toThrow(/beta/);
    expect(() => forecast([1, 2, 3], { model: 'arima' as never })).toThrow(/model must be/);
    expect(() => forecast([1, 2, 3], { interval: 'bootstrap' as never })).toThrow(/interval must be/);
  });

  it('damped trend: hand-computed states, point forecasts and the FPP3 Table 8.8 variance', () => {
    // α = 0.5, β = 0.3, φ = 0.9, from the least-squares initial state.
    const [alpha, beta, phi] = [0.5, 0.3, 0.9];
    const x = [10, 12, 13, 15, 14, 17, 18];
    const f = forecast(x, { model: 'damped', alpha, beta, phi, horizon: 6, interval: 'normal' });
    const { l, b, sse } = byHand(x, alpha, beta, phi, f.initialLevel, f.initialTrend);
    expect(byHand(x, alpha, beta, phi, f.initialLevel + 1e-3, f.initialTrend).sse).toBeGreaterThan(sse);
    expect(byHand(x, alpha, beta, phi, f.initialLevel, f.initialTrend - 1e-3).sse).toBeGreaterThan(sse);
    expect(f.model).toBe('damped');
    expect(f.level).toBeCloseTo(l, 10);
    expect(f.trend).toBeCloseTo(b, 10);
    const sigma2 = sse / (x.length - 5); // α, β, φ, ℓ0, b0 fitted
    expect(f.sigma ** 2).toBeCloseTo(sigma2, 10);
    const z = 1.959963984540054;
    for (let h = 1; h <= 6; h++) {
      // ŷ = ℓ + (φ + … + φ^h) b
      const damp = (phi * (1 - phi ** h)) / (1 - phi);
      expect(f.points[h - 1]!.mean).toBeCloseTo(l + damp * b, 10);
      // FPP3 Table 8.8, ETS(A,Ad,N):
      // σ_h² = σ²[1 + α²(h−1) + βφh/(1−φ)² (2α(1−φ) + βφ) − βφ(1−φ^h)/((1−φ)²(1−φ²)) (2α(1−φ²) + βφ(1 + 2φ − φ^h))]
      const v =
        sigma2 *
        (1 +
          alpha ** 2 * (h - 1) +
          ((beta * phi * h) / (1 - phi) ** 2) * (2 * alpha * (1 - phi) + beta * phi) -
          ((beta * phi * (1 - phi ** h)) / ((1 - phi) ** 2 * (1 - phi ** 2))) * (2 * alpha * (1 - phi ** 2) + beta * phi * (1 + 2 * phi - phi ** h)));
      expect(f.points[h - 1]!.upper - f.points[h - 1]!.mean).toBeCloseTo(z * Math.sqrt(v), 8);
    }
  });

  it('simple exponential smoothing: flat forecast and σ²(1 + α²(h − 1))', () => {
    const x = [20, 22, 19, 21, 23, 20];
    const f = forecast(x, { model: 'ses', alpha: 0.3, horizon: 4, interval: 'normal' });
    const { l, sse } = byHand(x, 0.3, 0, 1, f.initialLevel, 0);
    expect(f.trend).toBe(0);
    expect(f.initialTrend).toBe(0);
    // With α fixed, e_t = c_t − ℓ0 (1 − α)^t, so the least-squares ℓ0 solves a weighted mean; check optimality.
    expect(byHand(x, 0.3, 0, 1, f.initialLevel + 1e-3, 0).sse).toBeGreaterThan(sse);
    expect(byHand(x, 0.3, 0, 1, f.initialLevel - 1e-3, 0).sse).toBeGreaterThan(sse);
    const sigma2 = sse / (x.length - 2); // α and ℓ0 fitted
    for (let h = 1; h <= 4; h++) {
      expect(f.points[h - 1]!.mean).toBeCloseTo(l, 12);
      expect(f.points[h - 1]!.upper - f.points[h - 1]!.mean).toBeCloseTo(1.959963984540054 * Math.sqrt(sigma2 * (1 + 0.09 * (h - 1))), 10);
    }
    expect(f.stepsUntil(100)).toBeUndefined();
  });

  it("'auto' keeps the model with the smallest AICc: Holt for a clean line, no trend for level noise", () => {
    const line = Array.from({ length: 40 }, (_, i) => 100 + 2 * i);
    expect(forecast(line).model).toBe('holt');
    const rand = mulberry32(7);
    const noise = Array.from({ length: 80 }, () => 50 + (rand() - 0.5) * 4);
    const f = forecast(noise);
    expect(f.model).toBe('ses');
    for (const model of ['ses', 'holt', 'damped'] as const) expect(f.aicc).toBeLessThanOrEqual(forecast(noise, { model }).aicc);
  });

  it('a damped trend crosses a threshold below its asymptote at the step the point forecast does, and never one above it', () => {
    const f = forecast([10, 12, 13, 15], { model: 'damped', alpha: 0.5, beta: 0.3, phi: 0.9, horizon: 200 });
    const asymptote = f.level + (f.trend * f.phi) / (1 - f.phi);
    const target = f.level + 0.8 * (asymptote - f.level);
    const first = f.points.find((p) => p.mean >= target)!.step;
    expect(f.stepsUntil(target)?.steps).toBe(first);
    expect(f.stepsUntil(asymptote + 1)).toBeUndefined();
  });

  it('empirical intervals widen with heavy-tailed errors and match the Gaussian ones for Gaussian noise', () => {
    const rand = mulberry32(11);
    const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const calm = Array.from({ length: 400 }, () => 100 + gauss());
    const fe = forecast(calm, { model: 'ses', horizon: 1 });
    const fn = forecast(calm, { model: 'ses', horizon: 1, interval: 'normal' });
    const we = fe.points[0]!.upper - fe.points[0]!.mean;
    const wn = fn.points[0]!.upper - fn.points[0]!.mean;
    expect(we / wn).toBeGreaterThan(0.85);
    expect(we / wn).toBeLessThan(1.15);
    // Same noise plus rare large jumps that come back (outliers): the Gaussian σ is inflated by them, but the
    // empirical 95% quantile is set by the many ordinary errors and the share of outliers, so the two differ.
    const spiky = calm.map((v, i) => (i % 10 === 3 ? v + 15 : v));
    const se = forecast(spiky, { model: 'ses', horizon: 1 });
    const sn = forecast(spiky, { model: 'ses', horizon: 1, interval: 'normal' });
    const coverage = (w: number, c: number): number => spiky.slice(200).filter((v) => Math.abs(v - c) <= w).length / 200;
    const centre = se.points[0]!.mean;
    // Empirical width covers about 95% of the same kind of run; the normal one, set by an inflated σ, differs.
    expect(coverage(se.points[0]!.upper - centre, centre)).toBeGreaterThan(0.88);
    expect(se.points[0]!.upper - se.points[0]!.mean).not.toBeCloseTo(sn.points[0]!.upper - sn.points[0]!.mean, 1);
  });

  it('intervals never narrow further ahead, with either interval method and any model', () => {
    const v = Array.from({ length: 60 }, (_, i) => 30 + 0.3 * i + Math.sin(i * 1.3) * 2 + (i % 17 === 0 ? 8 : 0));
    for (const model of ['auto', 'ses', 'holt', 'damped'] as const) {
      for (const interval of ['empirical', 'normal'] as const) {
        const f = forecast(v, { model, interval, horizon: 30 });
        for (let h = 1; h < 30; h++) expect(f.points[h]!.upper - f.points[h]!.lower).toBeGreaterThanOrEqual(f.points[h - 1]!.upper - f.points[h - 1]!.lower - 1e-9);
      }
    }
  });
});
