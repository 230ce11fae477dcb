import { invalidArgument } from './performance-error.js';
import { checkOptions } from './internal/options.js';

/** Complexity classes known to {@link OptimizationStrategy.estimateComplexity}. */
export type ComplexityType = 'constant' | 'logarithmic' | 'linear' | 'linearithmic' | 'quadratic' | 'cubic' | 'exponential';

/** Classes {@link OptimizationStrategy.fitComplexity} chooses from (exponential overflows and is left out). */
export type FittedComplexity = Exclude<ComplexityType, 'exponential'>;

/** One measurement for {@link OptimizationStrategy.fitComplexity}. */
export interface ComplexitySample {
  /** Input size, ≥ 1. */
  n: number;
  /** Measured time (any unit; seconds by convention), ≥ 0. */
  seconds: number;
}

/** Result of {@link OptimizationStrategy.fitComplexity}. */
export interface ComplexityFit {
  /** The class with the lowest normalized RMS (the simplest one on a tie). */
  complexity: FittedComplexity;
  /** Fitted time per unit of the class's growth function: seconds ≈ intercept + coefficient · f(n). */
  coefficient: number;
  /** Fitted constant overhead (seconds); Google Benchmark fits without it, which skews small-n data. */
  intercept: number;
  /** RMS of the residuals divided by the mean time, per class (lower is better). */
  rms: Record<FittedComplexity, number>;
  /** Set when the runner-up fits about as well (within 10% normalized RMS): widen the range of n. */
  warning?: string;
}

/** Options of {@link OptimizationStrategy.mapConcurrent}. */
export interface MapConcurrentOptions {
  /** Tasks running at once, an integer ≥ 1 (or `Infinity`: no limit). @default 8 */
  concurrency?: number;
  /**
   * Cancels the map: once aborted, the returned promise rejects with `signal.reason` and no further task
   * starts. Tasks already running are not interrupted (pass the signal into `fn` to stop them too).
   * @default undefined
   */
  signal?: AbortSignal;
}

const GROWTH: Record<ComplexityType, (n: number) => number> = {
  constant: () => 1,
  logarithmic: (n) => Math.log(n),
  linear: (n) => n,
  linearithmic: (n) => n * Math.log(n),
  quadratic: (n) => n * n,
  cubic: (n) => n * n * n,
  exponential: (n) => 2 ** n,
};

const MIN_SLOPE_T = 4;

// Growth over the measured n, as a share of the mean time, below which a slope's 95% upper bound is read as
// "no meaningful growth": O(1) is then not ambiguous, whatever a nested growth class's RMS says.
const NEGLIGIBLE_GROWTH = 0.1;

// Student's t 0.975 quantiles (two-sided 95%) for 1..30 degrees of freedom, from the standard table.
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];
/** t₀.₉₇₅ with `df` degrees of freedom; beyond 30, 1.96 + 2.4/df (2.021 at 40, 2.000 at 60, 1.980 at 120). */
const t975 = (df: number): number => (df <= 30 ? T975[df - 1]! : 1.96 + 2.4 / df);

// Student's t 0.995 quantiles (two-sided p = 0.01) for 1..5 degrees of freedom, from the standard table. From 6
// on they are below MIN_SLOPE_T (3.707 at 6), so t ≥ 4 already means p < 0.01 there.
const T995_SMALL_DF = [63.657, 9.925, 5.841, 4.604, 4.032];

const FIT_ORDER: readonly FittedComplexity[] = ['constant', 'logarithmic', 'linear', 'linearithmic', 'quadratic', 'cubic'];

/**
 * The guide's optimization helpers: batching, the parallelize decision, complexity estimates and fits,
 * and a bounded-concurrency map for "process in parallel".
 *
 * @example
 * ```ts
 * OptimizationStrategy.batchOperations([...Array(100).keys()], 10); // [[0..9], [10..19], ..., [90..99]]
 * OptimizationStrategy.shouldParallelize(100, 10);                   // true
 * OptimizationStrategy.estimateComplexity(1000, 'logarithmic');      // 6.907...
 * ```
 */
export class OptimizationStrategy {
  private constructor() {}

  /**
   * Splits `items` into consecutive batches of `batchSize` (the last may be shorter).
   * @throws {PerformanceError} INVALID_ARGUMENT when `batchSize` is not an integer ≥ 1.
   */
  static batchOperations<T>(items: Iterable<T>, batchSize: number): T[][] {
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      // An options object (`{ batchSize: 10 }`, the shape other helpers take) printed as "[object Object]".
      const got = typeof batchSize === 'object' && batchSize !== null ? `an object; pass the size itself: batchOperations(items, 10)` : String(batchSize);
      invalidArgument(`batchOperations: batchSize must be an integer >= 1, got ${got}`);
    }
    if (items === null || typeof (items as Partial<Iterable<T>>)[Symbol.iterator] !== 'function') {
      invalidArgument('batchOperations: items must be an array or another iterable');
    }
    const batches: T[][] = [];
    let batch: T[] = [];
    for (const item of items) {
      batch.push(item);
      if (batch.length === batchSize) {
        batches.push(batch);
        batch = [];
      }
    }
    if (batch.length > 0) batches.push(batch);
    return batches;
  }

  /**
   * True when there are more items than `threshold`: below it, parallel scheduling costs more than it saves.
   * @default threshold 10
   * @throws {PerformanceError} INVALID_ARGUMENT when `itemCount` or `threshold` is negative or not a number.
   */
  static shouldParallelize(itemCount: number, threshold = 10): boolean {
    if (!(typeof itemCount === 'number' && itemCount >= 0)) invalidArgument(`shouldParallelize: itemCount must be a number >= 0, got ${JSON.stringify(itemCount) ?? String(itemCount)}`);
    if (!(typeof threshold === 'number' && threshold >= 0)) invalidArgument(`shouldParallelize: threshold must be a number >= 0, got ${JSON.stringify(threshold) ?? String(threshold)}`);
    return itemCount > threshold;
  }

  /**
   * The growth function of a class at `n`: 1, ln n, n, n·ln n, n², n³ or 2ⁿ (natural log, so
   * `logarithmic` at 1000 is ≈ 6.9 as in the guide).
   * @throws {PerformanceError} INVALID_ARGUMENT for an unknown class or `n` < 1.
   */
  static estimateComplexity(n: number, complexityType: ComplexityType): number {
    if (!(typeof n === 'number' && n >= 1)) invalidArgument(`estimateComplexity: n must be a number >= 1, got ${JSON.stringify(n) ?? String(n)}`);
    const f = Object.hasOwn(GROWTH, complexityType) ? GROWTH[complexityType] : undefined;
    if (f === undefined) {
      invalidArgument(`estimateComplexity: unknown complexityType ${JSON.stringify(complexityType)}; use one of ${Object.keys(GROWTH).join(', ')}`);
    }
    return f(n);
  }

  /**
   * Fits measured (n, time) samples to O(1), O(log n), O(n), O(n log n), O(n²) and O(n³) by least squares
   * with an intercept (seconds ≈ a + b·f(n)), as Google Benchmark's `MinimalLeastSq` does but with the
   * constant term its users ask for, and picks the class with the lowest RMS of residuals normalized by the
   * mean time. A class whose fitted slope is negative cannot explain the data and is skipped, and a growth
   * class wins over O(1) only when its slope is significant (t statistic ≥ 4). When the
   * runner-up is within 10% of the best, `warning` says the fit is ambiguous.
   *
   * @throws {PerformanceError} INVALID_ARGUMENT with fewer than 3 samples, fewer than 2 distinct n, n < 1,
   *   or a negative or non-finite time.
   * @see https://github.com/google/benchmark/blob/main/src/complexity.cc
   * @example
   * ```ts
   * OptimizationStrategy.fitComplexity([{ n: 100, seconds: 0.01 }, { n: 1000, seconds: 0.1 }, { n: 10000, seconds: 1 }]).complexity; // 'linear'
   * ```
   */
  static fitComplexity(input: readonly ComplexitySample[]): ComplexityFit {
    if (!Array.isArray(input) || input.length < 3) {
      invalidArgument(`fitComplexity: need at least 3 samples { n, seconds }, got ${Array.isArray(input) ? input.length : typeof input}`);
    }
    const samples: readonly ComplexitySample[] = input;
    for (const s of samples) {
      if (!(s !== null && typeof s === 'object' && s.n >= 1 && Number.isFinite(s.n))) invalidArgument(`fitComplexity: every n must be a finite number >= 1, got ${JSON.stringify(s)}`);
      if (!(s.seconds >= 0 && Number.isFinite(s.seconds))) invalidArgument(`fitComplexity: every seconds must be a finite number >= 0, got ${JSON.stringify(s)}`);
    }
    if (new Set(samples.map((s) => s.n)).size < 2) invalidArgument('fitComplexity: need at least 2 distinct values of n');
    const m = samples.length;
    const meanT = samples.reduce((a, s) => a + s.seconds, 0) / m;
    const rms = {} as Record<FittedComplexity, number>;
    const sxxOf = new Map<FittedComplexity, number>();
    const fits = new Map<FittedComplexity, { a: number; b: number; t: number }>();
    // Per growth class: the 95% upper bound of its slope, times its growth over the measured n, over the mean
    // time: how much growth the data cannot rule out.
    const possibleGrowth = {} as Record<FittedComplexity, number>;
    let nMin = Number.POSITIVE_INFINITY;
    let nMax = 0;
    for (const s of samples) {
      nMin = Math.min(nMin, s.n);
      nMax = Math.max(nMax, s.n);
    }
    for (const cls of FIT_ORDER) {
      const f = GROWTH[cls];
      let a: number;
      let b: number;
      if (cls === 'constant') {
        a = meanT;
        b = 0;
      } else {
        // Ordinary least squares in centered form, which stays accurate when f(n) is huge (n³).
        const xs = samples.map((s) => f(s.n));
        const meanX = xs.reduce((p, x) => p + x, 0) / m;
        let sxx = 0;
        let sxy = 0;
        for (let i = 0; i < m; i++) {
          const dx = xs[i]! - meanX;
          sxx += dx * dx;
          sxy += dx * (samples[i]!.seconds - meanT);
        }
        b = sxx > 0 ? sxy / sxx : 0;
        a = meanT - b * meanX;
        sxxOf.set(cls, sxx);
      }
      let sse = 0;
      for (const s of samples) {
        const r = s.seconds - (a + b * f(s.n));
        sse += r * r;
      }
      const normalized = meanT > 0 ? Math.sqrt(sse / m) / meanT : 0;
      rms[cls] = normalized;
      // t statistic of the slope, b / SE(b) with SE(b)² = SSE / (m − 2) / Sxx.
      const se = m > 2 ? Math.sqrt(sse / (m - 2) / (sxxOf.get(cls) ?? 0)) : Number.POSITIVE_INFINITY;
      const t = cls === 'constant' ? 0 : se > 0 ? b / se : Number.POSITIVE_INFINITY;
      if (b >= 0) fits.set(cls, { a, b, t });
      possibleGrowth[cls] = cls === 'constant' ? 0 : ((b + t975(m - 2) * se) * (f(nMax) - f(nMin))) / meanT;
    }
    // Simplest class first on ties: a growth term that explains nothing should not win over O(1).
    const ranked = [...fits.keys()].sort((x, y) => rms[x] - rms[y] || FIT_ORDER.indexOf(x) - FIT_ORDER.indexOf(y));
    let best = ranked[0]!;
    // With an intercept every class nests O(1) (b = 0), so the best growth class always fits a little
    // better, even on flat data with one outlier. Keep O(1) unless the slope is significant: t ≥ 4
    // (p < 0.01 two-sided for ≥ 8 degrees of freedom), the test a regression table would print.
    const closest = best;
    if (best !== 'constant' && !(fits.get(best)!.t >= MIN_SLOPE_T)) best = 'constant';
    const fit = fits.get(best)!;
    const result: ComplexityFit = { complexity: best, coefficient: fit.b, intercept: fit.a, rms };
    const runnerUp = ranked.find((c) => c !== best);
    if (best !== closest && rms[closest] * 1.1 < rms.constant) {
      // Not "about equally well": the growth class fits clearly better, but its slope could be noise. Say that.
      result.warning = `fitComplexity: ${closest} fits better (normalized RMS ${rms[closest].toFixed(4)} vs ${rms.constant.toFixed(4)} for constant) but its slope is not significant (t = ${fits.get(closest)!.t.toFixed(2)} < ${MIN_SLOPE_T}), so constant is kept; take more samples over a wider range of n before trusting either`;
    } else if (runnerUp !== undefined && rms[runnerUp] <= rms[best] * 1.1 + 1e-12 && rms[best] > 0) {
      if (best !== 'constant') {
        result.warning = `fitComplexity: ${best} (normalized RMS ${rms[best].toFixed(4)}) and ${runnerUp} (${rms[runnerUp].toFixed(4)}) fit about equally well; measure over a wider range of n (e.g. 10x between smallest and largest) before trusting the class`;
      } else if (possibleGrowth[runnerUp] > NEGLIGIBLE_GROWTH) {
        // Every growth class nests O(1), so on flat noisy data one always fits a little better; that is
        // only ambiguous when the data cannot rule out real growth (a narrow range of n, or few samples).
        result.warning = `fitComplexity: constant (normalized RMS ${rms.constant.toFixed(4)}) and ${runnerUp} (${rms[runnerUp].toFixed(4)}) fit about equally well: ${runnerUp}'s slope is not significant, but growth of up to ${(possibleGrowth[runnerUp] * 100).toFixed(0)}% of the mean time over the measured n cannot be ruled out; measure over a wider range of n (e.g. 10x between smallest and largest) or take more samples before trusting the class`;
      }
    }
    const df = m - 2;
    if (result.warning === undefined && best !== 'constant' && df <= T995_SMALL_DF.length && fit.t < T995_SMALL_DF[df - 1]!) {
      // With so few samples t ≥ 4 is a weak test (p ≈ 0.16 with 3 samples) and any two-parameter class fits
      // them closely, so the choice between growth classes is mostly noise.
      result.warning = `fitComplexity: ${best} was chosen from only ${m} samples; its slope (t = ${fit.t.toFixed(2)}) is not significant at p < 0.01 with ${df} degree${df === 1 ? '' : 's'} of freedom (needs t >= ${T995_SMALL_DF[df - 1]}); take at least 8 samples over a wider range of n before trusting the class`;
    }
    return result;
  }

  /**
   * Maps `items` through async `fn` with at most `concurrency` calls in flight; results keep the input
   * order. On the first rejection the returned promise rejects with that error and no further task starts
   * (tasks already running finish, their results are dropped). Aborting `signal` does the same with
   * `signal.reason` (an already aborted signal starts no task at all).
   * @throws {PerformanceError} INVALID_ARGUMENT (as a rejection) when `concurrency` is not an integer ≥ 1 or
   *   `Infinity`, `signal` is not an AbortSignal, or an option is unknown.
   * @example
   * ```ts
   * const pages = await OptimizationStrategy.mapConcurrent(urls, (u) => fetch(u).then((r) => r.text()), { concurrency: 4 });
   * ```
   */
  static async mapConcurrent<T, R>(
    items: Iterable<T>,
    fn: (item: T, index: number) => R | PromiseLike<R>,
    options: MapConcurrentOptions = {},
  ): Promise<R[]> {
    checkOptions('mapConcurrent', options, ['concurrency', 'signal']);
    const { concurrency = 8, signal } = options;
    if (!(concurrency === Number.POSITIVE_INFINITY || (Number.isInteger(concurrency) && concurrency >= 1))) {
      invalidArgument(`mapConcurrent: concurrency must be an integer >= 1 (or Infinity), got ${JSON.stringify(concurrency) ?? String(concurrency)}`);
    }
    if (signal !== undefined && !(typeof signal === 'object' && signal !== null && typeof signal.aborted === 'boolean' && typeof signal.addEventListener === 'function')) {
      invalidArgument('mapConcurrent: signal must be an AbortSignal (e.g. new AbortController().signal or AbortSignal.timeout(ms))');
    }
    if (typeof fn !== 'function') invalidArgument('mapConcurrent: fn must be a function');
    // Array.from would throw a TypeError for null and silently give [] for a number or a plain object.
    if (items === null || typeof (items as Partial<Iterable<T>> | undefined)?.[Symbol.iterator] !== 'function') {
      invalidArgument('mapConcurrent: items must be an array or another iterable');
    }
    if (signal?.aborted) throw signal.reason;
    const list = Array.from(items);
    const results = new Array<R>(list.length);
    let nextIndex = 0;
    // Set by the first failure or the abort: no worker starts another task after it.
    let stopped = false;
    const worker = async (): Promise<void> => {
      while (!stopped && nextIndex < list.length) {
        const i = nextIndex++;
        try {
          results[i] = await fn(list[i]!, i);
        } catch (error) {
          stopped = true;
          throw error;
        }
      }
    };
    const workers: Promise<void>[] = [];
    for (let w = 0; w < Math.min(concurrency, list.length); w++) workers.push(worker());
    // Promise.all rejects with the first failure; the `stopped` flag stops the other workers from starting more.
    const all = Promise.all(workers);
    if (signal === undefined) {
      await all;
      return results;
    }
    let onAbort!: () => void;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        stopped = true;
        // The caller's reason, as fetch() and p-map reject with it (an AbortError DOMException by default).
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([all, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    return results;
  }
}
