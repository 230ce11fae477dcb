import { invalidArgument, PerformanceError, PerformanceErrorCode } from './performance-error.js';
import { OperationRecorder, type OperationSnapshot, type OperationStats } from './operation-recorder.js';
import { DEFAULT_MAX_BINS, SUB_BUCKET_BITS, readSketchSnapshot, type QuantileSketchSnapshot } from './quantile-sketch.js';
import {
  escapeHelp,
  formatLabels,
  formatValue,
  sanitizeLabelName,
  sanitizeMetricName,
} from './internal/prometheus.js';
import { checkOptions } from './internal/options.js';

/**
 * Where the shared monitor lives. On `globalThis` under a registry symbol, so the ESM and CJS builds
 * (or two installed copies) loaded in one process share one monitor, as OpenTelemetry's API does.
 * @see https://github.com/open-telemetry/opentelemetry-js `api/src/internal/global-utils.ts`
 */
export const GLOBAL_MONITOR_KEY: unique symbol = Symbol.for('autodev.performance.v1') as never;

/** Options of an isolated {@link PerformanceMonitor}. */
export interface PerformanceMonitorOptions {
  /**
   * Bucket cap of each operation's quantile sketch; bounds memory to `maxBins × 8` bytes per name.
   * @default 2048 (16 KiB, 32 octaves of exact-to-1% range)
   */
  maxBins?: number;
}

/** The snapshot format version that {@link PerformanceMonitor.snapshot} writes. */
export const SNAPSHOT_VERSION = 2;

/**
 * A JSON-serializable picture of a monitor, for `merge()` in another thread or process (format version 2:
 * every sketch has `collapsed` and `zeroCount`).
 */
export interface PerformanceSnapshot {
  format: 'autodev.performance.snapshot';
  version: typeof SNAPSHOT_VERSION;
  /** The sketch index mapping; snapshots merge only with the same mapping. */
  mapping: { kind: 'bitwise-linear'; subBucketBits: number };
  operations: Record<string, OperationSnapshot>;
}

/**
 * A snapshot written by an earlier build (format version 1), whose sketches may lack `collapsed` and
 * `zeroCount`; `merge()` still reads it, reading a missing `collapsed` as `false` and `zeroCount` as `0`.
 */
export interface PerformanceSnapshotV1 {
  format: 'autodev.performance.snapshot';
  version: 1;
  mapping: { kind: 'bitwise-linear'; subBucketBits: number };
  operations: Record<string, Omit<OperationSnapshot, 'sketch'> & { sketch: Omit<QuantileSketchSnapshot, 'collapsed' | 'zeroCount'> & Partial<QuantileSketchSnapshot> }>;
}

/** A budget for one operation: a maximum average in seconds, or limits on several statistics. */
export type Budget = number | Partial<Record<'avg' | 'p50' | 'p90' | 'p95' | 'p99' | 'max', number>>;

/** One exceeded budget, as returned by {@link PerformanceMonitor.checkBudgets}. */
export interface BudgetBreach {
  /** Operation name. */
  name: string;
  /** Which statistic went over (`avg` for a plain number budget). */
  statistic: 'avg' | 'p50' | 'p90' | 'p95' | 'p99' | 'max';
  /** Measured value, seconds. */
  actualSeconds: number;
  /** The budget, seconds. */
  budgetSeconds: number;
  /** `actualSeconds / budgetSeconds` (> 1). */
  ratio: number;
  /** Samples behind the measurement. */
  count: number;
}

/** Options of {@link PerformanceMonitor.toPrometheus}. */
export interface PrometheusOptions {
  /** Metric family name (sanitized to `[a-zA-Z_:][a-zA-Z0-9_:]*`). @default 'autodev_operation_duration_seconds' */
  metricName?: string;
  /** `summary` (quantiles from the sketch) or `histogram` (cumulative `le` buckets). @default 'summary' */
  type?: 'summary' | 'histogram';
  /** Quantiles of a summary. @default [0.5, 0.9, 0.95, 0.99] */
  quantiles?: readonly number[];
  /** Upper bounds of a histogram's buckets, seconds (prom-client's defaults). @default [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] */
  buckets?: readonly number[];
  /** Constant labels added to every sample (names sanitized, values escaped). @default {} */
  labels?: Readonly<Record<string, string>>;
}

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const DEFAULT_QUANTILES = [0.5, 0.9, 0.95, 0.99];

// Lets isolated() reach the constructor without it returning the shared instance.
let constructingIsolated = false;

/**
 * Records operation durations and answers count, total, avg, min, max, stdDev and p50/p90/p95/p99 per name.
 * The guide calls it a global singleton: `new PerformanceMonitor()` and `PerformanceMonitor.global` return the
 * one shared instance (which `timed` records into by default); `PerformanceMonitor.isolated()` makes a private
 * one for tests. Memory per name is bounded (see {@link OperationRecorder}); snapshots merge across workers.
 *
 * @example
 * ```ts
 * const monitor = new PerformanceMonitor(); // the shared one
 * monitor.recordOperation('database_query', 0.45);
 * monitor.getStats('database_query'); // { count: 1, total: 0.45, avg: 0.45, ..., p99: 0.45 }
 * ```
 */
export class PerformanceMonitor {
  private readonly ops = new Map<string, OperationRecorder>();
  private readonly maxBins: number;

  /**
   * Returns the shared monitor (creating it on first use). Use {@link PerformanceMonitor.isolated} for a private one.
   */
  constructor() {
    this.maxBins = DEFAULT_MAX_BINS;
    if (constructingIsolated) return;
    const g = globalThis as unknown as Record<symbol, PerformanceMonitor | undefined>;
    const shared = g[GLOBAL_MONITOR_KEY];
    if (shared !== undefined) return shared;
    g[GLOBAL_MONITOR_KEY] = this;
  }

  /** The shared monitor, kept on `globalThis` under `Symbol.for('autodev.performance.v1')`. */
  static get global(): PerformanceMonitor {
    return new PerformanceMonitor();
  }

  /**
   * A private monitor that shares nothing with the global one (for tests, or one monitor per subsystem).
   * @throws {PerformanceError} INVALID_ARGUMENT when `maxBins` is not an integer ≥ 64.
   * @example
   * ```ts
   * const monitor = PerformanceMonitor.isolated();
   * const fn = timed('x', { monitor })(() => 1);
   * ```
   */
  static isolated(options: PerformanceMonitorOptions = {}): PerformanceMonitor {
    if (options === null || typeof options !== 'object') invalidArgument(`PerformanceMonitor.isolated: expected an options object such as { maxBins: 2048 }, got ${String(options)}`);
    checkOptions('PerformanceMonitor.isolated', options, ['maxBins']);
    constructingIsolated = true;
    try {
      const m = new PerformanceMonitor();
      if (options.maxBins !== undefined) {
        if (!Number.isInteger(options.maxBins) || options.maxBins < 64) {
          invalidArgument(`PerformanceMonitor.isolated: maxBins must be an integer >= 64, got ${String(options.maxBins)}`);
        }
        (m as unknown as { maxBins: number }).maxBins = options.maxBins;
      }
      return m;
    } finally {
      constructingIsolated = false;
    }
  }

  /**
   * The accumulator for `name`, created on first use. Keep it to record without a name lookup.
   * @throws {PerformanceError} INVALID_ARGUMENT when `name` is not a non-empty string.
   */
  recorder(name: string): OperationRecorder {
    const r = this.ops.get(name);
    return r === undefined ? this.create(name) : r;
  }

  /**
   * Records one operation's duration in seconds.
   * @throws {PerformanceError} INVALID_ARGUMENT for an empty name or a NaN, negative or infinite duration.
   * @example
   * ```ts
   * monitor.recordOperation('database_query', 0.45);
   * ```
   */
  recordOperation(name: string, durationSeconds: number): void {
    const r = this.ops.get(name);
    (r === undefined ? this.create(name) : r).record(durationSeconds);
  }

  /**
   * Records one failed operation: its duration counts, and the name's `errors` goes up by one.
   * @throws {PerformanceError} INVALID_ARGUMENT for an empty name or a NaN, negative or infinite duration.
   */
  recordError(name: string, durationSeconds: number): void {
    this.recorder(name).recordError(durationSeconds);
  }

  /**
   * Statistics for `name` (seconds), or `undefined` for a name with no samples.
   * Percentiles are within 1% relative error of the exact order statistic x₍⌊q·(n−1)⌋₎.
   * @example
   * ```ts
   * const stats = monitor.getStats('api_request');
   * if (stats && stats.avg > 1.0) console.warn('API calls are slow');
   * ```
   */
  getStats(name: string): OperationStats | undefined {
    return this.ops.get(name)?.stats();
  }

  /** Names with at least one sample, sorted. */
  names(): string[] {
    const out: string[] = [];
    for (const [name, r] of this.ops) if (r.count > 0) out.push(name);
    return out.sort();
  }

  /**
   * Forgets the samples of `name`, or of every name. Recorders stay attached (wrappers made by `timed` keep
   * recording into this monitor), so a name's fixed memory is kept until the process ends.
   */
  reset(name?: string): void {
    if (name === undefined) for (const r of this.ops.values()) r.clear();
    else this.ops.get(name)?.clear();
  }

  /**
   * A JSON-serializable copy of every name's state. Send it from a worker or another process and
   * `merge()` it: the merged monitor answers like one monitor that saw every sample (count, total, min,
   * max and quantile buckets exactly; mean and stdDev up to floating-point rounding).
   * @example
   * ```ts
   * parentPort.postMessage(PerformanceMonitor.global.snapshot()); // in the worker
   * PerformanceMonitor.global.merge(message);                    // in the main thread
   * ```
   */
  snapshot(): PerformanceSnapshot {
    // A null prototype keeps a name like "__proto__" an ordinary key.
    const operations = Object.create(null) as Record<string, OperationSnapshot>;
    for (const [name, r] of this.ops) if (r.count > 0) operations[name] = r.toJSON();
    return {
      format: 'autodev.performance.snapshot',
      version: SNAPSHOT_VERSION,
      mapping: { kind: 'bitwise-linear', subBucketBits: SUB_BUCKET_BITS },
      operations,
    };
  }

  /**
   * Adds a snapshot (from `snapshot()`, possibly after a JSON round trip) into this monitor. Reads format
   * version 2 (written by this build) and version 1 (earlier builds; missing sketch `collapsed` / `zeroCount`
   * read as `false` / `0`).
   * @throws {PerformanceError} INVALID_SNAPSHOT when `snapshot` is not a version-1 or version-2 snapshot with the
   *   same mapping; `error.field` names the first bad field (e.g. `operations["db"].sketch.zeroCount`). Nothing
   *   is merged in that case.
   * @example
   * ```ts
   * monitor.merge(JSON.parse(readFileSync('perf.json', 'utf8')));
   * ```
   */
  merge(snapshot: PerformanceSnapshot | PerformanceSnapshotV1): void {
    // Validate everything before touching any recorder, so a bad snapshot merges nothing.
    for (const [name, op] of readSnapshot(snapshot)) this.recorder(name).merge(op);
  }

  /**
   * The Prometheus text exposition format (0.0.4): one summary (or histogram) family with an `operation`
   * label, plus an `<metricName>_errors_total` counter. Label values are escaped and names sanitized.
   * @example
   * ```ts
   * res.setHeader('content-type', 'text/plain; version=0.0.4');
   * res.end(PerformanceMonitor.global.toPrometheus());
   * ```
   * @throws {PerformanceError} INVALID_ARGUMENT for a quantile outside [0, 1], a non-finite bucket bound, or a
   *   constant label named `operation` / `quantile` (summary) / `le` (histogram) or equal to another once sanitized.
   */
  toPrometheus(options: PrometheusOptions = {}): string {
    checkOptions('toPrometheus', options, ['metricName', 'type', 'quantiles', 'buckets', 'labels']);
    if (options.type !== undefined && options.type !== 'summary' && options.type !== 'histogram') {
      invalidArgument(`toPrometheus: type must be 'summary' or 'histogram', got ${JSON.stringify(options.type)}`);
    }
    const { metricName, labels, quantiles: qs, buckets: bs } = options;
    if (metricName !== undefined && !(typeof metricName === 'string' && metricName.length > 0)) {
      invalidArgument(`toPrometheus: metricName must be a non-empty string such as 'http_request_duration_seconds', got ${JSON.stringify(metricName)}`);
    }
    if (labels !== undefined && labels !== null && (typeof labels !== 'object' || Array.isArray(labels))) {
      invalidArgument(`toPrometheus: labels must be an object of label name → string value, e.g. { service: 'api' }, got ${JSON.stringify(labels)}`);
    }
    for (const [k, v] of Object.entries(labels ?? {})) {
      // Numbers and booleans read well as text (prom-client takes them too); an object would print "[object Object]".
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        invalidArgument(`toPrometheus: label "${k}" must have a string value, got ${JSON.stringify(v) ?? typeof v}`);
      }
    }
    for (const [what, list] of [['quantiles', qs], ['buckets', bs]] as const) {
      if (list !== undefined && !(Array.isArray(list) && list.every((x) => typeof x === 'number'))) {
        invalidArgument(`toPrometheus: ${what} must be an array of numbers, e.g. ${what === 'quantiles' ? '[0.5, 0.99]' : '[0.1, 0.5, 1]'}, got ${JSON.stringify(list)}`);
      }
    }
    const family = sanitizeMetricName(metricName ?? 'autodev_operation_duration_seconds');
    const base = family.replace(/(_duration)?_seconds$/, '');
    const errorsFamily = `${base}_errors_total`;
    const constant = Object.entries(options.labels ?? {}).map(([k, v]) => [sanitizeLabelName(k), String(v)] as const);
    const type = options.type ?? 'summary';
    // A label name may appear once per sample, or Prometheus rejects the whole scrape: constant labels must
    // not reuse `operation` or the type's own label, nor collide with each other once sanitized.
    const own = type === 'summary' ? 'quantile' : 'le';
    const seen = new Set(['operation', own]);
    for (const [name] of constant) {
      if (seen.has(name)) {
        invalidArgument(`toPrometheus: label "${name}" would appear twice in a sample (the exporter sets "operation" and "${own}"; names are compared after sanitizing); rename it`);
      }
      seen.add(name);
    }
    // Equal quantiles or bounds would write the same series twice (also a scrape error): keep one of each.
    const quantiles = [...new Set(options.quantiles ?? DEFAULT_QUANTILES)];
    const buckets = [...new Set(options.buckets ?? DEFAULT_BUCKETS)].sort((a, b) => a - b);
    for (const q of quantiles) if (!(q >= 0 && q <= 1)) invalidArgument(`toPrometheus: quantiles must be within [0, 1], got ${String(q)}`);
    for (const b of buckets) if (!Number.isFinite(b)) invalidArgument(`toPrometheus: bucket bounds must be finite numbers, got ${String(b)}`);

    const lines: string[] = [];
    lines.push(`# HELP ${family} ${escapeHelp('Duration of operations recorded by @autodev/performance, in seconds.')}`);
    lines.push(`# TYPE ${family} ${type}`);
    const names = this.names();
    for (const name of names) {
      const r = this.ops.get(name)!;
      const labels = [...constant, ['operation', name] as const];
      if (type === 'summary') {
        const clamp = (v: number): number => Math.min(r.max, Math.max(r.min, v));
        for (const q of quantiles) {
          lines.push(`${family}${formatLabels([...labels, ['quantile', String(q)]])} ${formatValue(clamp(r.sketch.quantile(q)))}`);
        }
      } else {
        // Cumulative counts per bound, placing each sketch bucket by its representative value (within 1%).
        const cumulative = new Array<number>(buckets.length).fill(0);
        r.sketch.forEachBucket((_lo, _hi, count, value) => {
          const v = Math.min(r.max, Math.max(r.min, value));
          for (let i = 0; i < buckets.length; i++) if (v <= buckets[i]!) cumulative[i]! += count;
        });
        buckets.forEach((b, i) => {
          lines.push(`${family}_bucket${formatLabels([...labels, ['le', formatValue(b)]])} ${cumulative[i]!}`);
        });
        lines.push(`${family}_bucket${formatLabels([...labels, ['le', '+Inf']])} ${r.count}`);
      }
      lines.push(`${family}_sum${formatLabels(labels)} ${formatValue(r.total)}`);
      lines.push(`${family}_count${formatLabels(labels)} ${r.count}`);
    }
    lines.push(`# HELP ${errorsFamily} ${escapeHelp('Operations that threw or rejected.')}`);
    lines.push(`# TYPE ${errorsFamily} counter`);
    for (const name of names) {
      lines.push(`${errorsFamily}${formatLabels([...constant, ['operation', name]])} ${this.ops.get(name)!.errors}`);
    }
    return `${lines.join('\n')}\n`;
  }

  /**
   * Checks budgets (the guide's "Performance Budget") and returns every breach; names without samples are
   * skipped. A number is a maximum average in seconds; an object limits several statistics.
   * @throws {PerformanceError} INVALID_ARGUMENT when a budget is not a finite number ≥ 0.
   * @example
   * ```ts
   * const breaches = monitor.checkBudgets({ api_request: 1.0, database_query: { avg: 0.5, p99: 2 } });
   * for (const b of breaches) console.warn(`${b.name} ${b.statistic} ${b.actualSeconds}s > ${b.budgetSeconds}s`);
   * ```
   */
  checkBudgets(budgets: Readonly<Record<string, Budget>>): BudgetBreach[] {
    if (budgets === null || typeof budgets !== 'object' || Array.isArray(budgets)) {
      invalidArgument(`checkBudgets: budgets must be an object of operation name → budget, e.g. { api_request: 1.0, db_query: { p99: 0.5 } }, got ${budgets === null ? 'null' : Array.isArray(budgets) ? 'an array' : typeof budgets}`);
    }
    const breaches: BudgetBreach[] = [];
    for (const [name, budget] of Object.entries(budgets)) {
      // null or a string would otherwise fail with a TypeError from Object.entries, or be read character by character.
      if (typeof budget !== 'number' && (typeof budget !== 'object' || budget === null || Array.isArray(budget))) {
        invalidArgument(`checkBudgets: budget "${name}" must be a number of seconds (the maximum average) or an object like { avg: 0.5, p99: 2 }, got ${JSON.stringify(budget)}`);
      }
      const limits = typeof budget === 'number' ? { avg: budget } : budget;
      for (const [statistic, limit] of Object.entries(limits) as [BudgetBreach['statistic'], number | undefined][]) {
        if (limit === undefined) continue;
        if (!(typeof limit === 'number' && limit >= 0 && Number.isFinite(limit))) {
          invalidArgument(`checkBudgets: budget "${name}".${statistic} must be a finite number of seconds >= 0, got ${String(limit)}`);
        }
        if (!['avg', 'p50', 'p90', 'p95', 'p99', 'max'].includes(statistic)) {
          invalidArgument(`checkBudgets: budget "${name}" has unknown statistic "${statistic}"; use avg, p50, p90, p95, p99 or max`);
        }
      }
      const stats = this.getStats(name);
      if (stats === undefined) continue;
      for (const [statistic, limit] of Object.entries(limits) as [BudgetBreach['statistic'], number | undefined][]) {
        if (limit === undefined) continue;
        const actual = stats[statistic];
        if (actual > limit) {
          breaches.push({ name, statistic, actualSeconds: actual, budgetSeconds: limit, ratio: actual / limit, count: stats.count });
        }
      }
    }
    return breaches;
  }

  private create(name: string): OperationRecorder {
    if (typeof name !== 'string' || name.length === 0) {
      invalidArgument(`operation name must be a non-empty string (e.g. "database_query"), got ${JSON.stringify(name)}`);
    }
    const r = new OperationRecorder(name, this.maxBins);
    this.ops.set(name, r);
    return r;
  }
}

function readSnapshot(s: unknown): Array<[string, OperationSnapshot]> {
  const fail = (field: string | undefined, why: string): never => {
    throw new PerformanceError(PerformanceErrorCode.INVALID_SNAPSHOT, `merge: ${why}; pass the object returned by snapshot()`, field === undefined ? {} : { field });
  };
  const v = s as Partial<Record<keyof PerformanceSnapshot, unknown>> | null;
  if (typeof v !== 'object' || v === null) return fail(undefined, 'not a performance snapshot (expected an object)');
  if (v.format !== 'autodev.performance.snapshot') fail('format', `format must be "autodev.performance.snapshot", got ${JSON.stringify(v.format)}`);
  if (v.version !== 1 && v.version !== SNAPSHOT_VERSION) {
    fail('version', `unsupported snapshot version ${JSON.stringify(v.version)} (this package reads versions 1 and ${SNAPSHOT_VERSION})`);
  }
  const legacy = v.version === 1;
  const mapping = v.mapping as PerformanceSnapshot['mapping'] | undefined;
  if (mapping?.kind !== 'bitwise-linear' || mapping.subBucketBits !== SUB_BUCKET_BITS) {
    fail('mapping', `sketch mapping ${JSON.stringify(mapping)} differs from this package's (bitwise-linear, ${SUB_BUCKET_BITS} bits)`);
  }
  if (typeof v.operations !== 'object' || v.operations === null) fail('operations', 'missing "operations" (an object of name → operation)');
  const out: Array<[string, OperationSnapshot]> = [];
  for (const [name, op] of Object.entries(v.operations as object)) {
    const path = `operations[${JSON.stringify(name)}]`;
    if (name === '') fail(path, 'an operation name is empty');
    if (typeof op !== 'object' || op === null) fail(path, `${path} must be an object`);
    const o = op as Record<string, unknown>;
    for (const k of ['count', 'errors', 'total', 'min', 'max', 'mean', 'm2'] as const) {
      if (typeof o[k] !== 'number' || !Number.isFinite(o[k])) fail(`${path}.${k}`, `${path}.${k} must be a finite number`);
    }
    // Finite is not enough: a negative or fractional count, or min above max, would be merged as is and
    // make every later statistic of the name wrong, so check what one recorder can actually produce.
    const n = o as unknown as OperationSnapshot;
    if (!Number.isInteger(n.count) || n.count < 0) fail(`${path}.count`, `${path}.count must be an integer >= 0`);
    if (!Number.isInteger(n.errors) || n.errors < 0 || n.errors > n.count) {
      fail(`${path}.errors`, `${path}.errors must be an integer between 0 and count (${n.count})`);
    }
    if (n.total < 0) fail(`${path}.total`, `${path}.total must be >= 0 (durations are never negative)`);
    if (n.m2 < 0) fail(`${path}.m2`, `${path}.m2 must be >= 0 (a sum of squares)`);
    if (n.count > 0 && !(n.min >= 0 && n.min <= n.max)) fail(`${path}.min`, `${path}.min must be >= 0 and <= max`);
    const sketch = readSketchSnapshot(o.sketch, 'merge', `${path}.sketch`, legacy);
    const inSketch = sketch.counts.reduce((a, c) => a + c, sketch.zeroCount);
    if (inSketch !== n.count) {
      fail(`${path}.sketch.counts`, `${path}.sketch holds ${inSketch} samples but count is ${n.count}; they must be equal`);
    }
    out.push([name, { ...(o as unknown as OperationSnapshot), sketch }]);
  }
  return out;
}
