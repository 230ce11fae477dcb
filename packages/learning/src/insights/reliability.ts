import { LearningError } from '../errors.js';

/** What the feedback loop has learned about one detector on one metric. */
export interface MetricReliability {
  /** Findings whose outcome is known. */
  readonly resolved: number;
  /** Findings that the following runs confirmed. */
  readonly confirmed: number;
  /** Findings that the following runs refuted (noise). */
  readonly refuted: number;
  /** Mean statistical confidence of the resolved findings: the precision the detector promised. */
  readonly promisedPrecision: number;
  /** Posterior mean of the precision (beta-binomial, prior centred on `promisedPrecision`). */
  readonly posteriorPrecision: number;
  /** Shift applied to a new finding's log-odds: `logit(posteriorPrecision) - logit(promisedPrecision)`. */
  readonly logOddsShift: number;
}

/** The empty record: nothing resolved yet, no adjustment. */
export const NO_RELIABILITY: MetricReliability = Object.freeze({
  resolved: 0,
  confirmed: 0,
  refuted: 0,
  promisedPrecision: Number.NaN,
  posteriorPrecision: Number.NaN,
  logOddsShift: 0,
});

// Keeps logit finite: confidences of exactly 0 or 1 carry no odds to shift.
const EPS = 1e-6;
const clamp = (p: number) => Math.min(1 - EPS, Math.max(EPS, p));
/** log(p / (1 - p)), with p clamped to [1e-6, 1 - 1e-6]. */
export const logit = (p: number): number => {
  const q = clamp(p);
  return Math.log(q / (1 - q));
};
/** 1 / (1 + e^-x). */
export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/**
 * Learns how far a detector's confidence can be trusted on one metric, from the outcomes of the
 * findings it raised there.
 *
 * Model: each resolved finding i was raised with statistical confidence cᵢ and turned out real
 * (yᵢ = 1, confirmed) or not (yᵢ = 0, refuted). The detector's precision on this metric, π, gets
 * a Beta(κ·c̄, κ·(1 − c̄)) prior centred on what the detector promised, c̄ = mean(cᵢ), with a weight
 * of κ pseudo-findings. After Y = Σyᵢ confirmations out of n, the posterior mean is
 * π̂ = (κ·c̄ + Y) / (κ + n). A new finding's confidence c is then moved on the log-odds scale by the
 * same amount the metric's precision differs from the promise:
 * c' = σ(logit(c) + logit(π̂) − logit(c̄)). When outcomes match the promise, nothing moves; a metric
 * whose findings keep being refuted (a noisy metric) has every new confidence shrunk towards its
 * observed precision, and a reliable metric's confidences rise.
 *
 * @param outcomes `[confidence, confirmed]` pairs of the resolved findings.
 * @param priorStrength κ, how many findings' worth of belief the promise carries. @default 4
 * @throws {LearningError} INVALID_ARGUMENT when `priorStrength` is not > 0 or a confidence is outside [0, 1].
 * @see A. Gelman et al., Bayesian Data Analysis, 3rd ed. (2013), §2.4 (beta-binomial conjugacy).
 * @see J. Platt, "Probabilistic outputs for support vector machines" (1999): recalibration on the log-odds scale.
 * @example
 * // Five findings promised at 0.9, all refuted: the metric is noisy.
 * const r = learnReliability(Array(5).fill([0.9, false]));
 * adjustConfidence(0.9, r); // ≈ 0.4
 */
export function learnReliability(outcomes: Iterable<readonly [confidence: number, confirmed: boolean]>, priorStrength = 4): MetricReliability {
  if (!(priorStrength > 0 && Number.isFinite(priorStrength)))
    throw new LearningError('INVALID_ARGUMENT', `priorStrength must be a finite number > 0, got ${String(priorStrength)}`);
  let n = 0;
  let y = 0;
  let c = 0;
  for (const [confidence, confirmed] of outcomes) {
    if (!(confidence >= 0 && confidence <= 1))
      throw new LearningError('INVALID_ARGUMENT', `a finding's confidence must be in [0, 1], got ${String(confidence)}`);
    n++;
    c += confidence;
    if (confirmed) y++;
  }
  if (n === 0) return NO_RELIABILITY;
  const promised = clamp(c / n);
  const posterior = (priorStrength * promised + y) / (priorStrength + n);
  return Object.freeze({
    resolved: n,
    confirmed: y,
    refuted: n - y,
    promisedPrecision: promised,
    posteriorPrecision: posterior,
    logOddsShift: logit(posterior) - logit(promised),
  });
}

/**
 * Applies a metric's learned reliability to a new statistical confidence (see {@link learnReliability}).
 * Returns `confidence` unchanged when nothing has been resolved yet.
 * @example adjustConfidence(0.9, NO_RELIABILITY) // 0.9
 */
export function adjustConfidence(confidence: number, reliability: MetricReliability): number {
  if (reliability.resolved === 0 || reliability.logOddsShift === 0) return confidence;
  return sigmoid(logit(confidence) + reliability.logOddsShift);
}
