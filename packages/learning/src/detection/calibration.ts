import { LearningError, LearningErrorCode } from '../errors.js';

/** A monotone map from a detector's score (e.g. −log10 p) to the probability that the finding is real. */
export interface CalibrationMap {
  /** Increasing knot positions on the score axis. */
  readonly scores: readonly number[];
  /** Non-decreasing probabilities at the knots. */
  readonly probabilities: readonly number[];
}

/** Options of {@link fitCalibration}. */
export interface FitCalibrationOptions {
  /** Number of equal-count bins the scores are pooled into before isotonic regression. @default 40 */
  readonly bins?: number;
  /**
   * `'jeffreys'`: each pooled knot's rate is the posterior mean under a Beta(½, ½) prior, (real + ½) / (n + 1),
   * instead of real / n, so that a knot of 40 findings that were all real says 0.988, not a certainty the data
   * cannot support; pooled again if that breaks monotonicity. `'none'`: the plain isotonic rates (the shipped
   * continuous-detector tables were fitted so). @default 'jeffreys'
   */
  readonly prior?: 'jeffreys' | 'none';
}

function checkPairs(a: readonly number[], b: readonly unknown[], fn: string): void {
  if (a.length !== b.length) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `${fn}: got ${a.length} scores but ${b.length} outcomes; pass one outcome per score`);
  if (a.length === 0) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `${fn}: needs at least one (score, outcome) pair`);
}

/** Pool adjacent violators: merges neighbouring blocks (weighted means) until y is increasing. */
function poolAdjacentViolators(blocks: ReadonlyArray<{ x: number; y: number; w: number }>): Array<{ x: number; y: number; w: number }> {
  const stack: Array<{ x: number; y: number; w: number }> = [];
  for (const blk of blocks) {
    let cur = { ...blk };
    while (stack.length > 0 && stack[stack.length - 1]!.y >= cur.y) {
      const prev = stack.pop()!;
      const w = prev.w + cur.w;
      cur = { x: (prev.x * prev.w + cur.x * cur.w) / w, y: (prev.y * prev.w + cur.y * cur.w) / w, w };
    }
    stack.push(cur);
  }
  return stack;
}

/**
 * Fits a calibration map by isotonic regression (pool-adjacent-violators) of outcomes on scores, after pooling
 * the sorted scores into equal-count bins so that the map is smooth and does not chase single points.
 *
 * @param scores - Detector scores, larger meaning more evidence.
 * @param outcomes - Whether each finding was real.
 * @throws {LearningError} INVALID_ARGUMENT when the arrays differ in length or are empty.
 * @example
 * const map = fitCalibration([0, 1, 2, 3], [false, false, true, true], { bins: 4 });
 * calibrate(map, 2.5); // between 0 and 1, non-decreasing in the score
 * @see B. Zadrozny & C. Elkan, "Transforming classifier scores into accurate multiclass probability estimates", KDD 2002.
 * @see M. Ayer et al., "An empirical distribution function for sampling with incomplete information", Ann. Math. Statist. 26 (1955).
 * @see H. Jeffreys, Theory of Probability, 3rd ed. (1961), for the Beta(½, ½) prior of `prior: 'jeffreys'`.
 */
export function fitCalibration(scores: readonly number[], outcomes: readonly boolean[], options: FitCalibrationOptions = {}): CalibrationMap {
  checkPairs(scores, outcomes, 'fitCalibration');
  const bins = options.bins ?? 40;
  const prior = options.prior ?? 'jeffreys';
  if (prior !== 'jeffreys' && prior !== 'none') throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `fitCalibration: prior must be 'jeffreys' or 'none', got ${String(prior)}`);
  const order = scores.map((_, i) => i).sort((i, j) => scores[i]! - scores[j]!);
  const n = order.length;
  const blocks: Array<{ x: number; y: number; w: number }> = [];
  for (let b = 0; b < bins; b++) {
    const lo = Math.floor((b * n) / bins);
    const hi = Math.floor(((b + 1) * n) / bins);
    if (hi <= lo) continue;
    let sx = 0;
    let sy = 0;
    for (let k = lo; k < hi; k++) {
      sx += scores[order[k]!]!;
      sy += outcomes[order[k]!]! ? 1 : 0;
    }
    blocks.push({ x: sx / (hi - lo), y: sy / (hi - lo), w: hi - lo });
  }
  let stack = poolAdjacentViolators(blocks);
  // Shrink each pooled rate towards ½ by its own weight; light knots move more, which can break the order.
  if (prior === 'jeffreys') stack = poolAdjacentViolators(stack.map((k) => ({ x: k.x, y: (k.y * k.w + 0.5) / (k.w + 1), w: k.w })));
  // Knots at the same score (e.g. many p-values of exactly 1) become one, so the map is a function.
  const knots: Array<{ x: number; y: number; w: number }> = [];
  for (const blk of stack) {
    const last = knots[knots.length - 1];
    if (last && last.x === blk.x) {
      const w = last.w + blk.w;
      last.y = (last.y * last.w + blk.y * blk.w) / w;
      last.w = w;
    } else knots.push({ ...blk });
  }
  return { scores: knots.map((k) => k.x), probabilities: knots.map((k) => k.y) };
}

/**
 * Probability for a score: linear interpolation between the map's knots, constant beyond the ends.
 * @example
 * calibrate({ scores: [0, 2], probabilities: [0.1, 0.9] }, 1); // 0.5
 */
export function calibrate(map: CalibrationMap, score: number): number {
  const xs = map.scores;
  const ys = map.probabilities;
  if (xs.length === 0) return Number.NaN;
  if (!(score > xs[0]!)) return ys[0]!;
  const last = xs.length - 1;
  if (score >= xs[last]!) return ys[last]!;
  let lo = 0;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= score) lo = mid;
    else hi = mid;
  }
  const t = (score - xs[lo]!) / (xs[hi]! - xs[lo]!);
  return ys[lo]! + t * (ys[hi]! - ys[lo]!);
}

/** One row of a reliability table. */
export interface ReliabilityBin {
  /** Confidence range [lo, hi) (the last bin includes 1). */
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
  /** Mean stated confidence in the bin (NaN when empty). */
  readonly meanConfidence: number;
  /** Fraction of the bin's findings that were real (NaN when empty). */
  readonly observedRate: number;
}

/**
 * Reliability table: findings grouped by stated confidence into equal-width bins, with the observed fraction
 * that were real. A calibrated detector has observedRate ≈ meanConfidence in every bin.
 *
 * @throws {LearningError} INVALID_ARGUMENT when the arrays differ in length, are empty, or `bins` < 1.
 * @example
 * reliabilityTable([0.9, 0.8, 0.1], [true, true, false], 10).filter((b) => b.count > 0).length; // 3
 * @see A. Niculescu-Mizil & R. Caruana, "Predicting good probabilities with supervised learning", ICML 2005.
 */
export function reliabilityTable(confidences: readonly number[], outcomes: readonly boolean[], bins = 10): ReliabilityBin[] {
  checkPairs(confidences, outcomes, 'reliabilityTable');
  if (!(Number.isInteger(bins) && bins >= 1)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `reliabilityTable: bins must be an integer ≥ 1, got ${bins}`);
  const count = new Array<number>(bins).fill(0);
  const conf = new Array<number>(bins).fill(0);
  const real = new Array<number>(bins).fill(0);
  confidences.forEach((c, i) => {
    const b = Math.min(bins - 1, Math.max(0, Math.floor(c * bins)));
    count[b]!++;
    conf[b]! += c;
    if (outcomes[i]) real[b]!++;
  });
  return count.map((k, b) => ({
    lo: b / bins,
    hi: (b + 1) / bins,
    count: k,
    meanConfidence: k > 0 ? conf[b]! / k : Number.NaN,
    observedRate: k > 0 ? real[b]! / k : Number.NaN,
  }));
}

/**
 * Expected calibration error: Σ_b (n_b / N) · |observedRate_b − meanConfidence_b| over equal-width bins.
 *
 * @throws {LearningError} INVALID_ARGUMENT as {@link reliabilityTable}.
 * @example
 * expectedCalibrationError([0.8, 0.8, 0.8, 0.8, 0.8], [true, true, true, true, false]); // ≈ 0
 * @see M. P. Naeini, G. Cooper & M. Hauskrecht, "Obtaining well calibrated probabilities using Bayesian binning", AAAI 2015.
 */
export function expectedCalibrationError(confidences: readonly number[], outcomes: readonly boolean[], bins = 10): number {
  const table = reliabilityTable(confidences, outcomes, bins);
  const n = confidences.length;
  let ece = 0;
  for (const b of table) if (b.count > 0) ece += (b.count / n) * Math.abs(b.observedRate - b.meanConfidence);
  return ece;
}

/** Evidence score of a p-value on which calibration maps are fitted: −log10 p, capped at 300. */
export const pValueScore = (p: number): number => (p > 0 ? Math.min(300, -Math.log10(Math.min(1, p))) : 300);
