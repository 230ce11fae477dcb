import { LearningError, LearningErrorCode } from '../errors.js';
import { compact, midRanks, sortedMedian } from './internal/numeric.js';

/** Options of {@link detectChangePoints}. */
export interface ChangePointOptions {
  /** Significance level each change point must pass. @default 0.01 */
  readonly alpha?: number;
  /** Fewest observations in a segment (so a single outlier can never form one). @default 5 */
  readonly minSegmentLength?: number;
  /** Also return candidates that failed the significance test (flagged `weak: true`). @default false */
  readonly includeWeak?: boolean;
}

/** A point where the level of the series shifts. */
export interface ChangePoint {
  /** First observation of the new segment, in the original indexing (missing values count). */
  readonly index: number;
  /** Level (median) of the segment before. */
  readonly before: number;
  /** Level (median) of the segment after. */
  readonly after: number;
  /** (after − before) / |before| (NaN when before is 0). */
  readonly relativeChange: number;
  /** p-value of the change against the union of its two neighbouring segments. */
  readonly pValue: number;
  /** Probability that the change is real. */
  readonly confidence: number;
  /** True for a candidate below the significance threshold (only with `includeWeak`). */
  readonly weak: boolean;
}

/**
 * Pettitt's statistic for every split of x[s..e): U_k = 2·Σ_{i<k} r_i − k(m + 1) with mid-ranks r, and the
 * approximate p-value of the largest |U_k| over admissible splits.
 * @see A. N. Pettitt, "A non-parametric approach to the change-point problem", Applied Statistics 28 (1979).
 */
function pettittSplit(x: Float64Array, s: number, e: number, minSeg: number): { split: number; p: number } | undefined {
  const m = e - s;
  if (m < 2 * minSeg) return undefined;
  const { ranks, tieTerm } = midRanks(x.subarray(s, e));
  if (tieTerm === m * m * m - m) return undefined; // constant segment
  let cum = 0;
  let best = -1;
  let bestK = -1;
  for (let k = 1; k < m; k++) {
    cum += ranks[k - 1]!;
    if (k < minSeg || m - k < minSeg) continue;
    const u = Math.abs(2 * cum - k * (m + 1));
    if (u > best) {
      best = u;
      bestK = k;
    }
  }
  if (bestK < 0) return undefined;
  return { split: s + bestK, p: pettittP(best, m) };
}

const pettittP = (u: number, m: number): number => Math.min(1, 2 * Math.exp((-6 * u * u) / (m * m * m + m * m)));

/** Pettitt statistic at one given split k of x[s..e). */
function pettittAt(x: Float64Array, s: number, k: number, e: number): number {
  const m = e - s;
  const { ranks } = midRanks(x.subarray(s, e));
  let cum = 0;
  for (let i = 0; i < k - s; i++) cum += ranks[i]!;
  return pettittP(Math.abs(2 * cum - (k - s) * (m + 1)), m);
}

/**
 * Finds the points where the level of a series shifts: binary segmentation with Pettitt's rank test, then a
 * merge pass that re-tests every point against the union of its neighbouring segments and drops the weakest
 * until all pass (the split/merge scheme of Apache Otava's e-divisive implementation). Rank statistics make it
 * insensitive to outliers; segments shorter than `minSegmentLength` are never formed, so a single outlier,
 * even the newest point, is not a change point. Missing values (null, undefined, NaN, ±Infinity) are skipped.
 *
 * Cost: O(n log n) per recursion level (sorting for ranks), O(n log n · log n) for balanced splits.
 *
 * @throws {LearningError} INVALID_ARGUMENT when `alpha` is not in (0, 1) or `minSegmentLength` < 1.
 * @example
 * detectChangePoints([10, 10.2, 9.9, 10.1, 10, 10.1, 12, 12.2, 11.9, 12.1, 12, 12.1])[0]?.index; // 6
 * @see A. N. Pettitt, Applied Statistics 28 (1979) 126–135.
 * @see Apache Otava (formerly Hunter) docs/MATH.md; D. S. Matteson & N. A. James, JASA 109 (2014).
 */
export function detectChangePoints(values: ReadonlyArray<number | null | undefined>, options: ChangePointOptions = {}): ChangePoint[] {
  const alpha = options.alpha ?? 0.01;
  const minSeg = options.minSegmentLength ?? 5;
  if (!(alpha > 0 && alpha < 1)) throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectChangePoints: alpha must be in (0, 1), got ${alpha}`);
  if (!(Number.isInteger(minSeg) && minSeg >= 1)) {
    throw new LearningError(LearningErrorCode.INVALID_ARGUMENT, `detectChangePoints: minSegmentLength must be an integer ≥ 1, got ${minSeg}`);
  }
  const { values: x, indices } = compact(values);
  const n = x.length;
  const includeWeak = options.includeWeak ?? false;
  const splitAlpha = includeWeak ? Math.max(alpha, 0.5) : alpha;

  // Binary segmentation, iterative to keep the stack flat on long series.
  const cps: number[] = [];
  const stack: Array<[number, number]> = [[0, n]];
  while (stack.length > 0) {
    const [s, e] = stack.pop()!;
    const r = pettittSplit(x, s, e, minSeg);
    if (!r || r.p >= splitAlpha) continue;
    cps.push(r.split);
    stack.push([s, r.split], [r.split, e]);
  }
  cps.sort((a, b) => a - b);

  // Merge: re-test each point within its neighbours; drop the weakest failing one until all pass.
  const pOf = (i: number): number => pettittAt(x, i === 0 ? 0 : cps[i - 1]!, cps[i]!, i === cps.length - 1 ? n : cps[i + 1]!);
  let ps = cps.map((_, i) => pOf(i));
  const weak: Array<{ at: number; p: number }> = [];
  for (;;) {
    let worst = -1;
    for (let i = 0; i < ps.length; i++) if (ps[i]! >= alpha && (worst < 0 || ps[i]! > ps[worst]!)) worst = i;
    if (worst < 0) break;
    weak.push({ at: cps[worst]!, p: ps[worst]! });
    cps.splice(worst, 1);
    ps = cps.map((_, i) => pOf(i));
  }

  const all = cps.map((at, i) => ({ at, p: ps[i]!, weak: false }));
  if (includeWeak) for (const w of weak) all.push({ at: w.at, p: w.p, weak: true });
  all.sort((a, b) => a.at - b.at);
  const strong = cps;
  return all.map(({ at, p, weak: isWeak }) => {
    // Levels come from the significant segmentation so weak candidates do not fragment them.
    const prev = strong.filter((c) => c < at).at(-1) ?? 0;
    const next = strong.find((c) => c > at) ?? n;
    const before = sortedMedian(x.slice(prev, at).sort());
    const after = sortedMedian(x.slice(at, next).sort());
    return {
      index: indices[at]!,
      before,
      after,
      relativeChange: before !== 0 ? (after - before) / Math.abs(before) : Number.NaN,
      pValue: p,
      confidence: 1 - p,
      weak: isWeak,
    };
  });
}
