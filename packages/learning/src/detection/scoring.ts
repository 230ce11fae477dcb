import { LearningError, LearningErrorCode } from '../errors.js';

/**
 * Change points marked by each annotator, keyed by annotator id. Index `t` marks observation `t` as the
 * first of a new segment (0-based). An empty list means that annotator saw no change.
 */
export type Annotations = Readonly<Record<string, readonly number[]>>;

/** Options of {@link f1Score}. */
export interface F1Options {
  /** Largest distance (in observations) at which a prediction matches a true point. @default 5 */
  readonly margin?: number;
  /**
   * Series length; when given, predictions at 0 and n − 1 and outside [0, n) are dropped first, as TCPDBench
   * does with detectors that report the series ends.
   */
  readonly n?: number;
}

/** F1 with its parts. */
export interface F1Result {
  readonly f1: number;
  readonly precision: number;
  readonly recall: number;
}

/**
 * True points of `truth` matched by some prediction at distance ≤ margin, each prediction used at most once,
 * greedily in ascending order of the true point, each taking its closest (then smallest) free prediction.
 */
function truePositives(truth: readonly number[], predictions: readonly number[], margin: number): number {
  const free = new Set(predictions);
  let tp = 0;
  for (const tau of truth) {
    let best: number | undefined;
    let bestDist = Number.POSITIVE_INFINITY;
    for (const x of free) {
      const d = Math.abs(tau - x);
      if (d <= margin && (d < bestDist || (d === bestDist && best !== undefined && x < best))) {
        best = x;
        bestDist = d;
      }
    }
    if (best !== undefined) {
      tp++;
      free.delete(best);
    }
  }
  return tp;
}

const uniqueSorted = (xs: Iterable<number>): number[] => [...new Set(xs)].sort((a, b) => a - b);

function cleanPredictions(predictions: readonly number[], n: number | undefined): number[] {
  if (n === undefined) return uniqueSorted(predictions);
  return uniqueSorted(predictions.filter((p) => Number.isInteger(p) && p > 0 && p < n - 1));
}

function checkAnnotations(annotations: Annotations, fn: string): string[] {
  const ids = Object.keys(annotations);
  if (ids.length === 0) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `${fn}: annotations must hold at least one annotator`);
  return ids;
}

/**
 * F1 of predicted change points against several annotators, exactly as TCPDBench scores it: the start of the
 * series (index 0) is added to every annotator's set and to the predictions; precision counts predictions
 * matched (within `margin`, no double counting) against the union of all annotators' points; recall is the
 * mean over annotators of the fraction of their points matched; F1 is their harmonic mean.
 *
 * @throws {LearningError} INVALID_ARGUMENT when there are no annotators or `margin` is negative.
 * @example
 * f1Score({ a: [10, 20], b: [11, 20], c: [10], d: [0, 5] }, [10, 20]).f1; // 1
 * @see G. J. J. van den Burg & C. K. I. Williams, "An Evaluation of Change Point Detection Algorithms",
 *   arXiv:2003.06222 (2020), §4 and TCPDBench `analysis/scripts/metrics.py` (`f_measure`).
 */
export function f1Score(annotations: Annotations, predictions: readonly number[], options: F1Options = {}): F1Result {
  const margin = options.margin ?? 5;
  if (!(margin >= 0)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `f1Score: margin must be ≥ 0, got ${margin}`);
  const ids = checkAnnotations(annotations, 'f1Score');
  const sets = ids.map((id) => uniqueSorted([0, ...(annotations[id] ?? [])]));
  const x = uniqueSorted([0, ...cleanPredictions(predictions, options.n)]);
  const union = uniqueSorted(sets.flat());
  const precision = truePositives(union, x, margin) / x.length;
  let recall = 0;
  for (const s of sets) recall += truePositives(s, x, margin) / s.length;
  recall /= sets.length;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { f1, precision, recall };
}

/** Segment boundaries [start, end) of the partition of 0..n−1 cut before each location in (0, n). */
function partition(locations: readonly number[], n: number): Array<[number, number]> {
  const cuts = uniqueSorted(locations.filter((l) => Number.isInteger(l) && l > 0 && l < n));
  const segs: Array<[number, number]> = [];
  let start = 0;
  for (const c of cuts) {
    segs.push([start, c]);
    start = c;
  }
  segs.push([start, n]);
  return segs;
}

/** Covering of segmentation `s` by `sPrime` (Arbeláez et al. 2010, eq. 8) for interval segmentations; O(|s| + |s′|). */
function coverSingle(sPrime: Array<[number, number]>, s: Array<[number, number]>, n: number): number {
  let c = 0;
  let j = 0;
  for (const [a, b] of s) {
    while (j < sPrime.length && sPrime[j]![1] <= a) j++;
    let best = 0;
    for (let k = j; k < sPrime.length && sPrime[k]![0] < b; k++) {
      const [pa, pb] = sPrime[k]!;
      const inter = Math.min(b, pb) - Math.max(a, pa);
      const union = Math.max(b, pb) - Math.min(a, pa);
      if (inter > 0 && inter / union > best) best = inter / union;
    }
    c += (b - a) * best;
  }
  return c / n;
}

/**
 * Segmentation covering of the predicted change points, averaged over annotators, as in TCPDBench: for each
 * annotator's segmentation S, Σ_{R∈S} |R| · max_{R′} Jaccard(R, R′) / n over predicted segments R′.
 *
 * @param n - Number of observations in the series.
 * @throws {LearningError} INVALID_ARGUMENT when there are no annotators or `n` is not a positive integer.
 * @example
 * covering({ a: [10, 20], b: [10], c: [0, 5] }, [10, 20], 45); // 0.7962962962962963
 * @see P. Arbeláez et al., "Contour detection and hierarchical image segmentation", IEEE TPAMI 33 (2011), eq. 8.
 * @see van den Burg & Williams (2020), TCPDBench `analysis/scripts/metrics.py` (`covering`).
 */
export function covering(annotations: Annotations, predictions: readonly number[], n: number): number {
  if (!(Number.isInteger(n) && n > 0)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `covering: n must be a positive integer, got ${n}`);
  const ids = checkAnnotations(annotations, 'covering');
  const predicted = partition(predictions, n);
  let sum = 0;
  for (const id of ids) sum += coverSingle(predicted, partition(annotations[id] ?? [], n), n);
  return sum / ids.length;
}
