import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Comparison, JsonValue, LearningPolicy, MetricQuery, MetricRecord, MetricStore } from '@autodev/learning';
import { parse as parseYaml } from 'yaml';
import type { CommandContext } from '../context.js';
import { CliError } from '../errors.js';
import { readInput } from './read-input.js';

/** What `trends` shows for one metric: the shape of `MetricsTracker.analyzeTrends`. */
export interface TrendSummary {
  /** Values analysed (the newest `window`). */
  readonly count: number;
  readonly window: number;
  /** False when there were too few values for a trend test; `reason` says why. */
  readonly sufficient: boolean;
  readonly reason?: string;
  readonly mean: number;
  readonly median: number;
  readonly stdDev: number;
  readonly min: number;
  readonly max: number;
  /** Theil–Sen slope per run. */
  readonly slope: number;
  /** +1 increasing, -1 decreasing, 0 none (Mann–Kendall at α = 0.05). */
  readonly trendDirection: number;
  readonly pValue: number;
  /** The analysed values, oldest first. */
  readonly values: readonly number[];
}

/** The part of a `MetricsTracker` the CLI uses. */
export interface CliTracker {
  getMetrics(name?: string, filter?: Omit<MetricQuery, 'name'>): Promise<readonly MetricRecord[]>;
  names(): Promise<readonly string[]>;
  analyzeTrends(name: string, options?: { windowSize?: number; where?: Record<string, JsonValue> }): Promise<TrendSummary>;
  compare(name: string, a: Record<string, JsonValue>, b: Record<string, JsonValue>): Promise<Comparison>;
  close(): Promise<void>;
}

/** Fewest values before a trend is tested (the guide: insights need 5–10 points). */
const MIN_TREND_POINTS = 5;

/**
 * A tracker over a store built from the pure functions of `@autodev/learning` (Mann–Kendall and
 * Theil–Sen through `detectDrift`, `compareSamples`), used when the installed `@autodev/learning` has no
 * `MetricsTracker` export.
 */
async function storeTracker(store: MetricStore): Promise<CliTracker> {
  const L = await import('@autodev/learning');
  return {
    getMetrics: (name, filter = {}) => store.query(name === undefined ? filter : { ...filter, name }),
    names: () => store.names(),
    async analyzeTrends(name, { windowSize = 10, where } = {}) {
      const newest = await store.query({ name, order: 'desc', limit: windowSize, ...(where ? { where } : {}) });
      const values = newest.map((r) => r.value).reverse();
      const n = values.length;
      if (n === 0) return { count: 0, window: windowSize, sufficient: false, reason: 'no values', mean: NaN, median: NaN, stdDev: NaN, min: NaN, max: NaN, slope: NaN, trendDirection: 0, pValue: NaN, values };
      const drift = L.detectDrift(values, { window: windowSize, alpha: 0.05, minPoints: MIN_TREND_POINTS });
      return {
        count: n,
        window: windowSize,
        sufficient: drift.status !== 'insufficient-data',
        ...(drift.status === 'insufficient-data' ? { reason: `${n} of ${MIN_TREND_POINTS} values` } : {}),
        mean: L.mean(values),
        median: L.median(values),
        stdDev: n > 1 ? L.stdDev(values) : 0,
        min: L.min(values),
        max: L.max(values),
        slope: drift.slope,
        trendDirection: drift.status === 'increasing' ? 1 : drift.status === 'decreasing' ? -1 : 0,
        pValue: drift.pValue,
        values,
      };
    },
    async compare(name, a, b) {
      const [ra, rb] = await Promise.all([store.query({ name, where: a }), store.query({ name, where: b })]);
      return L.compareSamples(ra.map((r) => r.value), rb.map((r) => r.value));
    },
    close: () => store.close(),
  };
}

/** Opens the store read-only and wraps it in a tracker; `close()` closes the store. */
export async function openTracker(ctx: CommandContext): Promise<{ tracker: CliTracker; store: MetricStore; close(): Promise<void> }> {
  const store = await ctx.openStore({ readOnly: true });
  const L = (await import('@autodev/learning')) as unknown as { MetricsTracker?: new (o: { storage: MetricStore }) => CliTracker };
  const tracker = L.MetricsTracker ? new L.MetricsTracker({ storage: store }) : await storeTracker(store);
  return { tracker, store, close: () => tracker.close() };
}

/** Policy files looked up when `--policy` is not given, in order. */
export const DEFAULT_POLICY_FILES = ['automation_policy.yaml', 'automation_policy.yml', '.autodev/policy.yaml', '.autodev/policy.yml'];

/**
 * Reads the policy YAML (the guide's `automation_policy.yaml` shape: `performance: { test_duration_max: 60 }`
 * and an optional `metrics:` section): `--policy <file>`, else the first of {@link DEFAULT_POLICY_FILES}
 * in the working directory, else no policy.
 * @throws {CliError} FILE_NOT_FOUND for a missing --policy file; BAD_INPUT naming the file, line and key
 * for bad YAML or a bad value.
 */
export async function loadPolicy(ctx: CommandContext, file: string | undefined): Promise<{ policy: LearningPolicy; file: string | undefined }> {
  const { parsePolicy, EMPTY_POLICY } = await import('@autodev/learning');
  const path = file ?? DEFAULT_POLICY_FILES.map((f) => resolve(ctx.cwd, f)).find((f) => existsSync(f));
  if (path === undefined) return { policy: EMPTY_POLICY, file: undefined };
  const shown = file ?? relative(ctx.cwd, path);
  const text = await readInput(ctx, resolve(ctx.cwd, path), 'policy file');
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    const linePos = (e as { linePos?: [{ line: number; col: number }] }).linePos?.[0];
    const where = linePos ? `:${linePos.line}:${linePos.col}` : '';
    throw new CliError('BAD_INPUT', `${shown}${where}: not valid YAML: ${((e as Error).message.split('\n')[0] ?? '').trim()}`, { cause: e });
  }
  try {
    return { policy: parsePolicy(doc), file: shown };
  } catch (e) {
    throw new CliError('BAD_INPUT', `${shown}: ${(e as Error).message}`, {
      cause: e,
      hint: 'budgets go under performance: as <metric>_max / <metric>_min numbers, e.g.\n  performance:\n    test_duration_max: 60',
    });
  }
}
