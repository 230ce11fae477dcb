import { LearningError } from '../errors.js';
import { checkOptions } from '../options.js';

/**
 * How well a follow-up test tells a real finding from a false one: its two error rates as a measurement of
 * the truth. The feedback loop's test for anomalies ("the next runs came back") is the extreme case: a real
 * spike always comes back, but so does noise, so a confirmation proves little (see `OUTCOME_TESTS`).
 */
export interface OutcomeTest {
  /** P(confirmed | the finding was real). */
  readonly sensitivity: number;
  /** P(confirmed | the finding was false). Must be below `sensitivity`, or the outcome says nothing. */
  readonly falseConfirmation: number;
}

/** An outcome that is the truth itself (a labelled finding): the recalibration of plain log-odds. */
export const PERFECT_OUTCOME_TEST: OutcomeTest = Object.freeze({ sensitivity: 1, falseConfirmation: 0 });

/** What the feedback loop has learned about one detector on one metric. */
export interface MetricReliability {
  /** Findings whose outcome is known. */
  readonly resolved: number;
  /** Findings that the following runs confirmed. */
  readonly confirmed: number;
  /** Findings that the following runs refuted. */
  readonly refuted: number;
  /**
   * Confirmations expected of these findings where the detector is calibrated: Σ P(confirmed | cᵢ) =
   * Σ (sensitivity·cᵢ + falseConfirmation·(1 − cᵢ)). More than `confirmed`: the metric's findings hold up less.
   */
  readonly expectedConfirmed: number;
  /** δ: how far this metric's log-odds of a confirmation lie from the expected ones (0: as expected). */
  readonly outcomeShift: number;
  /** Precision (1 / variance) of δ's posterior: the prior's κ/4 plus the information of the outcomes. */
  readonly shiftPrecision: number;
  /** Mean statistical confidence of the resolved findings: the precision the detector promised (NaN if none). */
  readonly promisedPrecision: number;
  /** Mean recalibrated confidence of the same findings (NaN if none). */
  readonly posteriorPrecision: number;
  /** The outcome test the outcomes were read with. */
  readonly outcomeTest: OutcomeTest;
}

/** The empty record: nothing resolved yet, nothing moves. */
export const NO_RELIABILITY: MetricReliability = Object.freeze({
  resolved: 0,
  confirmed: 0,
  refuted: 0,
  expectedConfirmed: 0,
  outcomeShift: 0,
  shiftPrecision: 1,
  promisedPrecision: Number.NaN,
  posteriorPrecision: Number.NaN,
  outcomeTest: PERFECT_OUTCOME_TEST,
});

/** Options of {@link learnReliability}. */
export interface ReliabilityOptions {
  /**
   * κ: how many findings' worth of belief the prior carries (a Gaussian prior on δ with precision κ/4, the
   * Fisher information of κ outcomes at even odds). @default 4
   */
  readonly priorStrength?: number;
  /** Mean of δ's prior: 0 (the detector as calibrated), or the shift learned on other metrics. @default 0 */
  readonly priorShift?: number;
  /** Error rates of the outcome as a test of the truth. @default PERFECT_OUTCOME_TEST */
  readonly outcomeTest?: OutcomeTest;
}

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

const checkProbability = (what: string, p: number) => {
  if (!(p >= 0 && p <= 1)) throw new LearningError('INVALID_ARGUMENT', `${what} must be in [0, 1], got ${String(p)}`);
};

function checkTest(test: OutcomeTest): void {
  if (typeof test !== 'object' || test === null)
    throw new LearningError('INVALID_ARGUMENT', `outcomeTest must be an object { sensitivity, falseConfirmation } such as OUTCOME_TESTS.shift, got ${test === null ? 'null' : typeof test}`);
  checkProbability('outcomeTest.sensitivity', test.sensitivity);
  checkProbability('outcomeTest.falseConfirmation', test.falseConfirmation);
  if (!(test.falseConfirmation < test.sensitivity))
    throw new LearningError(
      'INVALID_ARGUMENT',
      `outcomeTest.falseConfirmation (${test.falseConfirmation}) must be below outcomeTest.sensitivity (${test.sensitivity}): otherwise a confirmation says nothing about the finding`,
    );
}

/** P(confirmed | stated confidence c) where the detector is calibrated: e(c) = β·c + α·(1 − c). */
const expectedConfirmation = (c: number, t: OutcomeTest): number => t.sensitivity * c + t.falseConfirmation * (1 - c);

/**
 * Learns how far a detector's confidence can be trusted on one metric, from the outcomes of the findings it
 * raised there — counting each outcome for what it proves.
 *
 * The outcome is a test of the truth with sensitivity β = P(confirmed | real) and false-confirmation rate
 * α = P(confirmed | false). Where the detector is calibrated, a finding stated at confidence c is confirmed with
 * probability e(c) = β·c + α·(1 − c): the relation between stated confidence and outcome. What a metric can
 * show is that its findings pass the test more or less often than that; the model is
 * P(confirmed | c, metric) = σ(logit e(c) + δ), a logistic regression with e(c) as offset, and the metric's δ
 * gets a Gaussian prior N(`priorShift`, 4/κ) (its posterior mode is found by Newton's method). A new finding's
 * confidence is then the probability that it is real given the metric's learned pass rate
 * ({@link adjustConfidence}); how real a passing (or failing) finding is stays what the detector's
 * calibration says. So a claim that is easy to confirm whatever the truth (α near β) can gain little: an
 * anomaly whose noise always comes back rises at most by the factor β/α ≈ 1.2, never towards 0.99, while a
 * metric whose findings keep failing the test sinks towards P(real | refuted).
 *
 * @param outcomes `[confidence, confirmed]` pairs of the resolved findings.
 * @param options κ (a number) or {@link ReliabilityOptions}.
 * @throws {LearningError} INVALID_ARGUMENT when κ is not > 0, `priorShift` is not finite, a confidence is
 * outside [0, 1], or the outcome test's rates are outside [0, 1] or `falseConfirmation` ≥ `sensitivity`.
 * @see M. Saerens, P. Latinne & C. Decaestecker, "Adjusting the outputs of a classifier to new a priori
 *   probabilities: a simple procedure", Neural Computation 14 (2002): posteriors re-weighted when only the
 *   frequency of the conditioning event changes, as here the pass rate of the follow-up test.
 * @see J. B. Copas, "Binary regression models for contaminated data", JRSS B 50 (1988): outcomes measured
 *   with known misclassification rates.
 * @see A. Gelman et al., Bayesian Data Analysis, 3rd ed. (2013), §5.5 and §16: partial pooling of a group
 *   effect towards the population, and logistic regression with an offset.
 * @example
 * // Five shift findings promised at 0.9, all refuted by a perfect outcome test: the metric is noisy.
 * const r = learnReliability(Array(5).fill([0.9, false]));
 * adjustConfidence(0.9, r); // ≈ 0.47
 */
export function learnReliability(outcomes: Iterable<readonly [confidence: number, confirmed: boolean]>, options: number | ReliabilityOptions = {}): MetricReliability {
  // null options were a TypeError, a misspelt key (prior_strength) silently the default.
  const o: ReliabilityOptions =
    typeof options === 'number' ? { priorStrength: options } : checkOptions<ReliabilityOptions>('learnReliability', options, ['priorStrength', 'priorShift', 'outcomeTest']);
  if (outcomes === null || typeof outcomes !== 'object' || typeof (outcomes as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function')
    throw new LearningError('INVALID_ARGUMENT', `learnReliability: outcomes must be an array of [confidence, confirmed] pairs such as [[0.9, true], [0.8, false]], got ${outcomes === null ? 'null' : typeof outcomes}`);
  const kappa = o.priorStrength ?? 4;
  if (!(kappa > 0 && Number.isFinite(kappa))) throw new LearningError('INVALID_ARGUMENT', `priorStrength must be a finite number > 0, got ${String(kappa)}`);
  const mu = o.priorShift ?? 0;
  if (!Number.isFinite(mu)) throw new LearningError('INVALID_ARGUMENT', `priorShift must be a finite number, got ${String(mu)}`);
  const test = o.outcomeTest ?? PERFECT_OUTCOME_TEST;
  checkTest(test);
  const offsets: number[] = [];
  let confirmed = 0;
  let promised = 0;
  let expected = 0;
  const cs: number[] = [];
  const oks: boolean[] = [];
  let index = 0;
  for (const pair of outcomes as Iterable<unknown>) {
    // A missing or non-boolean flag ([0.9] or [0.9, 'refuted']) used to count silently as refuted or confirmed.
    if (!Array.isArray(pair) || typeof pair[1] !== 'boolean')
      throw new LearningError('INVALID_ARGUMENT', `learnReliability: outcomes[${index}] must be a [confidence, confirmed] pair with confirmed true or false, got ${JSON.stringify(pair) ?? typeof pair}`);
    const [confidence, ok] = pair as [number, boolean];
    index++;
    checkProbability("a finding's confidence", confidence);
    const e = expectedConfirmation(confidence, test);
    offsets.push(logit(e));
    cs.push(confidence);
    oks.push(ok);
    if (ok) confirmed++;
    promised += confidence;
    expected += e;
  }
  const n = offsets.length;
  if (n === 0 && mu === 0 && test === PERFECT_OUTCOME_TEST && kappa === 4) return NO_RELIABILITY;
  // Posterior mode of δ. The log posterior is concave; Newton's steps are halved until they raise it, since a
  // full step from far out (e.g. 200 outcomes at 0.95, half confirmed) overshoots.
  const lambda = kappa / 4;
  const logPosterior = (d: number): number => {
    let l = -0.5 * lambda * (d - mu) ** 2;
    for (let i = 0; i < n; i++) {
      const z = offsets[i]! + d;
      // log σ(z) and log(1 − σ(z)) = log σ(−z), computed without overflow.
      const s = oks[i] ? z : -z;
      l -= s > 0 ? Math.log1p(Math.exp(-s)) : -s + Math.log1p(Math.exp(s));
    }
    return l;
  };
  let delta = mu;
  let current = logPosterior(delta);
  for (let iter = 0; iter < 100; iter++) {
    let g = -lambda * (delta - mu) + confirmed;
    let h = lambda;
    for (const L of offsets) {
      const p = sigmoid(L + delta);
      g -= p;
      h += p * (1 - p);
    }
    let step = g / h;
    let next = logPosterior(delta + step);
    for (let k = 0; k < 50 && !(next >= current); k++) next = logPosterior(delta + (step /= 2));
    if (!(next >= current)) break;
    delta += step;
    current = next;
    if (Math.abs(step) < 1e-10) break;
  }
  let precision = lambda;
  for (const L of offsets) {
    const p = sigmoid(L + delta);
    precision += p * (1 - p);
  }
  const base = { resolved: n, confirmed, refuted: n - confirmed, expectedConfirmed: expected, outcomeShift: delta, shiftPrecision: precision, outcomeTest: test };
  let posterior = 0;
  for (const c of cs) posterior += adjustConfidence(c, base);
  return Object.freeze({ ...base, promisedPrecision: n === 0 ? Number.NaN : promised / n, posteriorPrecision: n === 0 ? Number.NaN : posterior / n });
}

/**
 * The probability that a new finding stated at confidence c is real on a metric with the learned shift δ (see
 * {@link learnReliability}): averaged over the follow-up test's two outcomes,
 * P(real | c, confirmed)·e' + P(real | c, refuted)·(1 − e'), with e' = σ(logit e(c) + δ) the metric's chance of
 * a confirmation. With δ = 0 it is c itself; it rises towards P(real | c, confirmed) and falls towards
 * P(real | c, refuted), and it keeps the order of confidences.
 * @example adjustConfidence(0.9, NO_RELIABILITY) // 0.9
 */
export function adjustConfidence(confidence: number, reliability: Pick<MetricReliability, 'outcomeShift' | 'outcomeTest'>): number {
  // A confidence of 85 (for 0.85) came back as ≈ 1, a missing reliability was a TypeError.
  checkProbability('adjustConfidence: confidence', confidence);
  if (typeof reliability !== 'object' || reliability === null || !Number.isFinite(reliability.outcomeShift))
    throw new LearningError('INVALID_ARGUMENT', 'adjustConfidence: reliability must be what learnReliability returns (a finite outcomeShift and an outcomeTest)');
  const delta = reliability.outcomeShift;
  if (delta === 0) return confidence;
  const t = reliability.outcomeTest;
  checkTest(t);
  const c = clamp(confidence);
  const e = expectedConfirmation(c, t);
  const metric = sigmoid(logit(e) + delta);
  // P(real | c, confirmed) = β·c / e and P(real | c, refuted) = (1 − β)·c / (1 − e), by Bayes' rule.
  const pass = (t.sensitivity * c) / e;
  const fail = e < 1 ? ((1 - t.sensitivity) * c) / (1 - e) : 0;
  return pass * metric + fail * (1 - metric);
}

/**
 * The shift a metric's prior is centred on, from what other metrics learned (partial pooling with a normal
 * hierarchy, between-metric spread and prior on the mean both of variance 4/κ): the precision-weighted mean of
 * their shifts, each weighted by 1 / (its posterior variance + 4/κ), shrunk towards 0 by the prior's weight κ/4.
 * One other metric moves a new one less than its own shift; many metrics that agree move it nearly all the way.
 * @see A. Gelman et al., Bayesian Data Analysis, 3rd ed. (2013), §5.4 (the normal hierarchical model).
 */
export function pooledShift(others: Iterable<Pick<MetricReliability, 'outcomeShift' | 'shiftPrecision' | 'resolved'>>, priorStrength = 4): number {
  if (!(priorStrength > 0 && Number.isFinite(priorStrength))) throw new LearningError('INVALID_ARGUMENT', `priorStrength must be a finite number > 0, got ${String(priorStrength)}`);
  if (others === null || typeof others !== 'object' || typeof (others as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function')
    throw new LearningError('INVALID_ARGUMENT', 'pooledShift: others must be an array of what learnReliability returns for the other metrics');
  const tau2 = 4 / priorStrength;
  let sum = 0;
  let weight = 1 / tau2;
  for (const r of others) {
    if (typeof r !== 'object' || r === null || !Number.isFinite(r.outcomeShift) || !(r.shiftPrecision > 0) || !Number.isInteger(r.resolved))
      throw new LearningError('INVALID_ARGUMENT', 'pooledShift: each of others must be what learnReliability returns (finite outcomeShift, shiftPrecision > 0, resolved count)');
    if (r.resolved === 0) continue;
    const w = 1 / (1 / r.shiftPrecision + tau2);
    sum += w * r.outcomeShift;
    weight += w;
  }
  return sum / weight;
}
