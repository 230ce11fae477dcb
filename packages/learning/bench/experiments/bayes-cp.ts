/**
 * Experiment: exact offline Bayesian change-point segmentation (Fearnhead 2006, product-partition model of
 * Yao 1984 / Barry & Hartigan 1992) with a conjugate normal model for segment means, compared with the default
 * detectChangePoints on the TCPD dev series and on stable synthetic series (false alarms).
 * Hyperparameters are fixed in bayes-cp-PREREGISTRATION.md (written before scoring).
 * Run: `cd packages/learning && pnpm exec tsx bench/experiments/bayes-cp.ts`
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clipOutliers, detectChangePoints } from '../../src/detection/change-points.js';
import { compact, MAD_TO_SIGMA, sortedMedian } from '../../src/detection/internal/numeric.js';
import { covering, f1Score } from '../../src/detection/scoring.js';
import { generateCiSuite } from '../../src/detection/synthetic.js';
import { loadTcpd } from '../tcpd-eval.js';


const median = (v: ArrayLike<number>): number => sortedMedian(Float64Array.from(v).sort());
function madAbout(v: ArrayLike<number>, c: number): number {
  const d = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) d[i] = Math.abs(v[i]! - c);
  return MAD_TO_SIGMA * median(d);
}
function sampleVariance(x: Float64Array): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) * (v - m);
  return s / (x.length - 1);
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

export type NoiseVariant = 'diff' | 'plot' | 'eb';

interface Posterior {
  /** log p(x | σ²) summed over all segmentations. */
  logZ: number;
  /** Posterior probability that observation t starts a new segment. */
  prob: Float64Array;
  /** MAP change points. */
  map: number[];
}

/**
 * Exact forward/backward recursions of the product-partition model: segments ≥ m, each change weighted
 * p/(1−p), segment marginal likelihood with μ ~ N(μ0, τ²) integrated out and σ² known.
 */
export function posterior(x: Float64Array, sigma2: number, mu0: number, tau2: number, p: number, m: number): Posterior {
  const n = x.length;
  const s1 = new Float64Array(n + 1);
  const s2 = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const y = x[i]! - mu0;
    s1[i + 1] = s1[i]! + y;
    s2[i + 1] = s2[i]! + y * y;
  }
  const logTwoPiS2 = Math.log(2 * Math.PI * sigma2);
  const segLik = (a: number, b: number): number => {
    const L = b - a;
    const S = s1[b]! - s1[a]!;
    const Q = s2[b]! - s2[a]!;
    return -0.5 * L * logTwoPiS2 - 0.5 * Math.log1p((L * tau2) / sigma2) - Q / (2 * sigma2) + (tau2 * S * S) / (2 * sigma2 * (sigma2 + L * tau2));
  };
  const w = Math.log(p / (1 - p));
  // F[j]: log sum over segmentations of x[0..j) whose last segment ends at j. B[i]: same for x[i..n) starting at i.
  const F = new Float64Array(n + 1).fill(-Infinity);
  const M = new Float64Array(n + 1).fill(-Infinity);
  const arg = new Int32Array(n + 1).fill(-1);
  F[0] = 0;
  M[0] = 0;
  for (let j = m; j <= n; j++) {
    let f = segLik(0, j);
    let best = f;
    let bestI = 0;
    for (let i = m; i <= j - m; i++) {
      if (F[i] === -Infinity) continue;
      const l = segLik(i, j) + w;
      f = logAddExp(f, F[i]! + l);
      const v = M[i]! + l;
      if (v > best) {
        best = v;
        bestI = i;
      }
    }
    F[j] = f;
    M[j] = best;
    arg[j] = bestI;
  }
  const B = new Float64Array(n + 1).fill(-Infinity);
  B[n] = 0;
  for (let i = n - m; i >= 0; i--) {
    let b = segLik(i, n);
    for (let j = i + m; j <= n - m; j++) if (B[j] !== -Infinity) b = logAddExp(b, segLik(i, j) + w + B[j]!);
    B[i] = b;
  }
  const logZ = F[n]!;
  const prob = new Float64Array(n);
  for (let t = m; t <= n - m; t++) prob[t] = Math.exp(F[t]! + w + B[t]! - logZ);
  const map: number[] = [];
  for (let j = n; arg[j]! > 0; j = arg[j]!) map.push(arg[j]!);
  map.reverse();
  return { logZ, prob, map };
}

/** Windows of width m hold at most one change, so their summed marginal is P(change in window); greedy > 0.5. */
function marginalPoints(prob: Float64Array, m: number): number[] {
  const n = prob.length;
  const blocked = new Uint8Array(n);
  const out: number[] = [];
  for (;;) {
    let bestS = 0.5;
    let bestA = -1;
    for (let a = 0; a + m <= n; a++) {
      let s = 0;
      let ok = true;
      for (let t = a; t < a + m; t++) {
        if (blocked[t]) ok = false;
        s += prob[t]!;
      }
      if (ok && s > bestS) {
        bestS = s;
        bestA = a;
      }
    }
    if (bestA < 0) break;
    let at = bestA;
    for (let t = bestA; t < bestA + m; t++) if (prob[t]! > prob[at]!) at = t;
    out.push(at);
    for (let t = Math.max(0, at - m + 1); t <= Math.min(n - 1, at + m - 1); t++) blocked[t] = 1;
  }
  return out.sort((a, b) => a - b);
}

export interface BayesResult {
  map: number[];
  marginal: number[];
  sigma2: number;
}

export function bayesChangePoints(values: ReadonlyArray<number | null | undefined>, variant: NoiseVariant, m = 5): BayesResult {
  const { values: raw, indices } = compact(values);
  const n = raw.length;
  if (n < 2 * m) return { map: [], marginal: [], sigma2: Number.NaN };
  let maxAbs = 0;
  for (const v of raw) maxAbs = Math.max(maxAbs, Math.abs(v));
  const x = clipOutliers(maxAbs > 0 ? raw.map((v) => v / maxAbs) : raw);
  const varX = sampleVariance(x);
  if (!(varX > 0)) return { map: [], marginal: [], sigma2: 0 };
  const mu0 = median(x);
  let tau = madAbout(x, mu0);
  if (!(tau > 0)) tau = Math.sqrt(varX);
  const d = new Float64Array(n - 1);
  for (let i = 0; i + 1 < n; i++) d[i] = x[i + 1]! - x[i]!;
  let sDiff2 = (madAbout(d, median(d)) / Math.SQRT2) ** 2;
  if (!(sDiff2 > 0)) sDiff2 = varX * 1e-4; // quantised series: MAD of differences is 0
  const p = 1 / n;
  let sigma2: number;
  let post: Posterior;
  if (variant === 'diff') {
    sigma2 = sDiff2;
    post = posterior(x, sigma2, mu0, tau * tau, p, m);
  } else if (variant === 'plot') {
    sigma2 = varX;
    post = posterior(x, sigma2, mu0, tau * tau, p, m);
  } else {
    const lo = Math.log(sDiff2 / 16);
    const hi = Math.log(4 * varX);
    sigma2 = Number.NaN;
    post = { logZ: -Infinity, prob: new Float64Array(n), map: [] };
    for (let g = 0; g <= 40; g++) {
      const s = Math.exp(lo + ((hi - lo) * g) / 40);
      const q = posterior(x, s, mu0, tau * tau, p, m);
      if (q.logZ > post.logZ) {
        post = q;
        sigma2 = s;
      }
    }
  }
  const toOrig = (cps: number[]): number[] => cps.map((c) => indices[c]!);
  return { map: toOrig(post.map), marginal: toOrig(marginalPoints(post.prob, m)), sigma2: sigma2 / varX };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const series = loadTcpd();
  const stable = generateCiSuite({ seed: 4242, count: 300, mix: { stable: 1 } });
  type Det = (v: ReadonlyArray<number | null>) => number[];
  const detectors: Array<[string, Det]> = [['default (mbic)', (v) => detectChangePoints(v).map((c) => c.index)]];
  for (const variant of ['diff', 'plot', 'eb'] as const) {
    detectors.push([`${variant} MAP`, (v) => bayesChangePoints(v, variant).map]);
    detectors.push([`${variant} marginal>0.5`, (v) => bayesChangePoints(v, variant).marginal]);
  }
  const perSeries: Record<string, number[]> = {};
  console.log('| detector | dev F1 | dev cover | stable false alarms /300 |\n| --- | --- | --- | --- |');
  for (const [name, det] of detectors) {
    let f1 = 0;
    let cov = 0;
    perSeries[name] = [];
    for (const s of series) {
      const n = s.values.length;
      const pred = det(s.values);
      const f = f1Score(s.annotations, pred, { n }).f1;
      f1 += f;
      cov += covering(s.annotations, pred, n);
      perSeries[name].push(f);
    }
    const fa = stable.filter((s) => det(s.values).length > 0).length;
    console.log(`| ${name} | ${(f1 / series.length).toFixed(3)} | ${(cov / series.length).toFixed(3)} | ${fa} |`);
  }
  console.log('\n| series | n | ' + detectors.map(([d]) => d).join(' | ') + ' |');
  series.forEach((s, i) => console.log(`| ${s.name} | ${s.values.length} | ` + detectors.map(([d]) => perSeries[d]![i]!.toFixed(3)).join(' | ') + ' |'));
  console.log('\npredicted change points:');
  for (const s of series) {
    const parts = detectors.map(([d, det]) => `${d}: [${det(s.values).join(',')}]`);
    console.log(`${s.name}: ${parts.join('  ')}`);
  }
  for (const v of ['diff', 'plot', 'eb'] as const) {
    console.log(`${v} sigma2/var(x): ` + series.map((s) => bayesChangePoints(s.values, v).sigma2.toFixed(3)).join(' '));
  }
}
