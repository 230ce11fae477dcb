import { invalidArgument } from './performance-error.js';
import { QuantileSketch, type QuantileSketchSnapshot } from './quantile-sketch.js';

/** Statistics of one operation name, as returned by `PerformanceMonitor.getStats`. All durations in seconds. */
export interface OperationStats {
  /** Number of recorded calls (failed ones included). */
  count: number;
  /** Sum of all durations (exact). */
  total: number;
  /** Mean duration (exact, `total / count`). */
  avg: number;
  /** Shortest duration (exact). */
  min: number;
  /** Longest duration (exact). */
  max: number;
  /** Sample standard deviation (n − 1 denominator; 0 for one sample), by Welford's algorithm. */
  stdDev: number;
  /** Median, within 1% relative error (see `RELATIVE_ACCURACY`). */
  p50: number;
  /** 90th percentile, within 1% relative error. */
  p90: number;
  /** 95th percentile, within 1% relative error. */
  p95: number;
  /** 99th percentile, within 1% relative error. */
  p99: number;
  /** How many of the `count` calls threw or rejected. */
  errors: number;
}

/** JSON form of one operation inside a monitor snapshot. */
export interface OperationSnapshot {
  count: number;
  errors: number;
  total: number;
  min: number;
  max: number;
  /** Running mean (Welford). */
  mean: number;
  /** Sum of squared deviations from the mean (Welford's M2). */
  m2: number;
  sketch: QuantileSketchSnapshot;
}

/**
 * The per-name accumulator behind `PerformanceMonitor`. Holding one (from `monitor.recorder(name)`) skips the
 * name lookup on hot paths, which is what `timed` does. Memory is bounded: a few numbers plus one
 * {@link QuantileSketch} (at most 16 KiB with the default 2048 buckets), whatever the sample count.
 *
 * @example
 * ```ts
 * const r = PerformanceMonitor.global.recorder('db_query');
 * r.record(0.012);
 * ```
 * @see Welford, B. P. (1962). "Note on a method for calculating corrected sums of squares and products". Technometrics 4(3).
 * @see Chan, Golub, LeVeque (1979). "Updating formulae and a pairwise algorithm for computing sample variances" (merge).
 */
export class OperationRecorder {
  count = 0;
  errors = 0;
  total = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  mean = 0;
  m2 = 0;
  readonly sketch: QuantileSketch;

  constructor(
    readonly name: string,
    maxBins?: number,
  ) {
    this.sketch = new QuantileSketch(maxBins);
  }

  /**
   * Records one duration.
   * @throws {PerformanceError} INVALID_ARGUMENT when `durationSeconds` is NaN, negative or infinite.
   */
  record(durationSeconds: number): void {
    // One comparison pair rejects NaN, negatives and Infinity; the typeof keeps "1" from concatenating into total.
    if (!(typeof durationSeconds === 'number' && durationSeconds >= 0 && durationSeconds < Number.POSITIVE_INFINITY)) {
      this.reject(durationSeconds);
    }
    const n = ++this.count;
    this.total += durationSeconds;
    if (durationSeconds < this.min) this.min = durationSeconds;
    if (durationSeconds > this.max) this.max = durationSeconds;
    // Welford's update: numerically stable where sum-of-squares would cancel catastrophically.
    const delta = durationSeconds - this.mean;
    this.mean += delta / n;
    this.m2 += delta * (durationSeconds - this.mean);
    this.sketch.add(durationSeconds);
  }

  /**
   * Records one failed call: its duration counts like any other, and `errors` goes up by one.
   * @throws {PerformanceError} INVALID_ARGUMENT when `durationSeconds` is NaN, negative or infinite.
   */
  recordError(durationSeconds: number): void {
    this.record(durationSeconds);
    this.errors++;
  }

  /** Current statistics, or `undefined` before the first sample. */
  stats(): OperationStats | undefined {
    const n = this.count;
    if (n === 0) return undefined;
    const clamp = (v: number): number => Math.min(this.max, Math.max(this.min, v));
    const s = this.sketch;
    return {
      count: n,
      total: this.total,
      avg: this.total / n,
      min: this.min,
      max: this.max,
      stdDev: n > 1 ? Math.sqrt(Math.max(0, this.m2) / (n - 1)) : 0,
      // Clamping to the exact [min, max] can only move a sketch value towards the true quantile.
      p50: clamp(s.quantile(0.5)),
      p90: clamp(s.quantile(0.9)),
      p95: clamp(s.quantile(0.95)),
      p99: clamp(s.quantile(0.99)),
      errors: this.errors,
    };
  }

  /** Forgets every sample but keeps this recorder attached, so cached `timed` wrappers keep working. */
  clear(): void {
    this.count = 0;
    this.errors = 0;
    this.total = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    this.mean = 0;
    this.m2 = 0;
    this.sketch.clear();
  }

  /** JSON form for `PerformanceMonitor.snapshot()`. */
  toJSON(): OperationSnapshot {
    return {
      count: this.count,
      errors: this.errors,
      total: this.total,
      min: this.min,
      max: this.max,
      mean: this.mean,
      m2: this.m2,
      sketch: this.sketch.toJSON(),
    };
  }

  /**
   * Adds another accumulator's samples, as if this one had seen them all.
   * Mean and M2 combine by Chan et al.'s parallel formula: δ = x̄_b − x̄_a,
   * M2 = M2_a + M2_b + δ²·n_a·n_b/n.
   * @see Chan, Golub, LeVeque (1979), "Updating formulae and a pairwise algorithm for computing sample variances".
   */
  merge(other: OperationSnapshot): void {
    if (other.count === 0) return;
    const na = this.count;
    const nb = other.count;
    const n = na + nb;
    const delta = other.mean - this.mean;
    this.mean = na === 0 ? other.mean : this.mean + (delta * nb) / n;
    this.m2 = this.m2 + other.m2 + (na === 0 ? 0 : (delta * delta * na * nb) / n);
    this.count = n;
    this.errors += other.errors;
    this.total += other.total;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    // The sketch counts its own total; keep it equal to ours.
    this.sketch.merge(other.sketch);
  }

  private reject(value: number): never {
    invalidArgument(
      `operation "${this.name}": durationSeconds must be a finite number >= 0 (seconds), got ${String(value)}`,
    );
  }
}
