/** Check of bayes-cp.ts recursions against brute-force enumeration of all segmentations (small n). Run with tsx. */
import { posterior } from './bayes-cp.js';

const x = Float64Array.from([0.1, -0.3, 0.2, 0.0, 1.1, 0.9, 1.3, 1.0, 0.8, 0.2, 0.1, 0.4, -0.1, 0.3]);
const n = x.length;
const [s2, mu0, tau2, p, m] = [0.1, 0.3, 0.5, 0.15, 2];
const segLik = (a: number, b: number): number => {
  // Direct multivariate normal: cov = s2 I + tau2 11ᵀ; via Sherman–Morrison and det lemma.
  const L = b - a;
  let S = 0;
  let Q = 0;
  for (let i = a; i < b; i++) {
    S += x[i]! - mu0;
    Q += (x[i]! - mu0) ** 2;
  }
  const quad = Q / s2 - (tau2 * S * S) / (s2 * (s2 + L * tau2));
  const logDet = L * Math.log(s2) + Math.log(1 + (L * tau2) / s2);
  return -0.5 * (L * Math.log(2 * Math.PI) + logDet + quad);
};
let Z = 0;
const probs = new Float64Array(n);
let best = -Infinity;
let bestCps: number[] = [];
for (let mask = 0; mask < 1 << (n - 1); mask++) {
  const cps: number[] = [];
  for (let t = 1; t < n; t++) if (mask & (1 << (t - 1))) cps.push(t);
  const b = [0, ...cps, n];
  if (b.some((v, i) => i > 0 && v - b[i - 1]! < m)) continue;
  let l = cps.length * Math.log(p / (1 - p));
  for (let i = 1; i < b.length; i++) l += segLik(b[i - 1]!, b[i]!);
  Z += Math.exp(l);
  for (const c of cps) probs[c]! += Math.exp(l);
  if (l > best) {
    best = l;
    bestCps = cps;
  }
}
const post = posterior(x, s2, mu0, tau2, p, m);
console.log('logZ brute', Math.log(Z), 'recursion', post.logZ);
console.log('max |prob diff|', Math.max(...Array.from(probs, (v, i) => Math.abs(v / Z - post.prob[i]!))));
console.log('MAP brute', bestCps, 'recursion', post.map);
