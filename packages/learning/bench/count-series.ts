/**
 * A seeded generator of labelled discrete CI metrics, the population the count model of detectAnomalies is
 * calibrated on (bench/count-calibration.ts): counts of failing tests, lint errors and warnings (Poisson, and
 * bursty negative binomial), 0/1 flags, and timings recorded in whole seconds or tenths. Some series get spikes
 * (the labelled anomalies: +1 to +30 steps at 4% of runs after the 10th), some a level shift (a change, not an
 * anomaly: its first runs are false anomalies if flagged), the rest are stable.
 */
import { mulberry32 } from '../src/stats/internal/random.js';

export interface CountSeries {
  readonly kind: string;
  readonly values: number[];
  /** Indices of injected spikes: the only real anomalies. */
  readonly spikes: ReadonlySet<number>;
  /** First run of the new level, for a series with a level shift. */
  readonly shiftAt?: number;
}

/** A Poisson draw (Knuth's multiplication method; a rounded normal above mean 30). */
export function poisson(rnd: () => number, lambda: number): number {
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * normal(rnd)));
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rnd();
  while (p > limit) {
    k++;
    p *= rnd();
  }
  return k;
}
function normal(rnd: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
}
function gamma(rnd: () => number, shape: number): number {
  // Marsaglia & Tsang (2000); shape < 1 by the boost u^(1/shape).
  if (shape < 1) return gamma(rnd, shape + 1) * Math.pow(rnd(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = normal(rnd);
    const v = (1 + c * x) ** 3;
    if (v > 0 && Math.log(1 - rnd()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}
const logUniform = (rnd: () => number, lo: number, hi: number): number => Math.exp(Math.log(lo) + rnd() * (Math.log(hi) - Math.log(lo)));

export function generateCountSuite(seed: number, count: number, length = 60): CountSeries[] {
  const rnd = mulberry32(seed);
  const out: CountSeries[] = [];
  for (let s = 0; s < count; s++) {
    const type = Math.floor(rnd() * 5);
    // Level before and after an optional shift, in steps; `draw(level)` one run's value in steps.
    let kind: string;
    let step = 1;
    let offset = 0;
    let draw: (level: number) => number;
    let level = 0;
    let shifted = 0;
    if (type === 0) {
      kind = 'poisson';
      level = logUniform(rnd, 0.02, 3);
      shifted = level * (2 + 3 * rnd());
      draw = (l) => poisson(rnd, l);
    } else if (type === 1) {
      kind = 'bursty counts';
      level = logUniform(rnd, 0.05, 3);
      shifted = level * (2 + 3 * rnd());
      const size = 0.5 + rnd(); // negative binomial: Poisson with a gamma-distributed mean
      draw = (l) => poisson(rnd, (l * gamma(rnd, size)) / size);
    } else if (type === 2) {
      kind = '0/1 flag';
      level = logUniform(rnd, 0.01, 0.3);
      shifted = Math.min(0.9, level * (2 + 3 * rnd()));
      draw = (l) => (rnd() < l ? 1 : 0);
    } else {
      kind = type === 3 ? 'whole seconds' : 'tenths of a second';
      step = type === 3 ? 1 : 0.1;
      offset = type === 3 ? Math.round(logUniform(rnd, 5, 600)) : Math.round(logUniform(rnd, 2, 30));
      const sd = 0.2 + 0.5 * rnd(); // in steps: most runs on one value, some one or two steps off
      level = 0;
      shifted = 3 + Math.round(5 * rnd());
      draw = (l) => Math.max(-offset, Math.round(l + sd * normal(rnd)));
    }
    const mode = rnd();
    const spiky = mode < 0.5;
    const shiftAt = mode >= 0.5 && mode < 0.7 ? 15 + Math.floor(rnd() * (length - 20)) : -1;
    const values: number[] = [];
    const spikes = new Set<number>();
    for (let i = 0; i < length; i++) {
      let v = draw(shiftAt >= 0 && i >= shiftAt ? shifted : level);
      if (spiky && i >= 10 && rnd() < 0.04) {
        v += Math.ceil(logUniform(rnd, 1, 30));
        spikes.add(i);
      }
      values.push(Math.round((offset + v) * step * 1e6) / 1e6);
    }
    out.push({ kind: `${kind}${spiky ? ', spikes' : shiftAt >= 0 ? ', shift' : ', stable'}`, values, spikes, ...(shiftAt >= 0 ? { shiftAt } : {}) });
  }
  return out;
}
