import { LearningError } from '../errors.js';

/**
 * Which direction of a metric is good. `'lower'`: lower is better (durations, errors);
 * `'higher'`: higher is better (coverage); `'neutral'`: a change is reported without calling it good or bad.
 */
export type Polarity = 'lower' | 'higher' | 'neutral';

/** Looks up the polarity of a metric name. */
export interface PolarityRegistry {
  /** The polarity of `name`: an override, else a built-in metric, else inferred from its name tokens, else `'neutral'`. */
  polarityOf(name: string): Polarity;
  /** Where the answer came from, for explanations. */
  sourceOf(name: string): 'override' | 'builtin' | 'inferred' | 'unknown';
  /** A new registry with more overrides on top of this one. */
  with(overrides: Readonly<Record<string, Polarity>>): PolarityRegistry;
}

/**
 * The six metrics of the guide. `api_latency` also covers `api_latency_<route>` (the guide's
 * `api_latency_users`): a prefix entry ends with `*`.
 */
export const BUILTIN_POLARITIES: Readonly<Record<string, Polarity>> = Object.freeze({
  test_duration: 'lower',
  build_time: 'lower',
  memory_usage: 'lower',
  'api_latency*': 'lower',
  lint_errors: 'lower',
  coverage_percent: 'higher',
});

// Name tokens (split on _ - . / space and camelCase) that say which way is good. Checked from the
// last token backwards, because the last word of a name is usually its unit or quantity
// ("cache_hit_rate" is a rate; "error_budget_remaining" would be wrong but is rare enough to configure).
const LOWER_TOKENS = new Set([
  'duration', 'durations', 'time', 'times', 'latency', 'latencies', 'elapsed', 'ms', 'seconds', 'secs',
  'errors', 'error', 'failures', 'failed', 'warnings', 'memory', 'mem', 'rss', 'heap', 'size', 'bytes',
  'kb', 'mb', 'gb', 'flaky', 'flakes', 'retries', 'cost',
]);
const HIGHER_TOKENS = new Set(['coverage', 'score', 'throughput', 'ops', 'opsec', 'rps', 'qps', 'hits', 'passed', 'success', 'uptime']);
// Two-token phrases checked before single tokens.
const HIGHER_PAIRS = new Set(['hit_rate', 'pass_rate', 'success_rate']);
const LOWER_PAIRS = new Set(['miss_rate', 'error_rate', 'failure_rate']);

/** Splits a metric name into lower-case tokens: `apiLatency_p99` → `['api', 'latency', 'p99']`. */
export function metricNameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((t) => t !== '');
}

/**
 * Infers a polarity from a metric name alone, or `undefined` when no token decides it.
 * @example inferPolarity('api_latency_users') // 'lower'
 * @example inferPolarity('cache_hit_rate')    // 'higher'
 */
export function inferPolarity(name: string): Polarity | undefined {
  const tokens = metricNameTokens(name);
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!;
    if (i > 0) {
      const pair = `${tokens[i - 1]!}_${t}`;
      if (HIGHER_PAIRS.has(pair)) return 'higher';
      if (LOWER_PAIRS.has(pair)) return 'lower';
    }
    if (LOWER_TOKENS.has(t)) return 'lower';
    if (HIGHER_TOKENS.has(t)) return 'higher';
  }
  return undefined;
}

const POLARITIES: readonly Polarity[] = ['lower', 'higher', 'neutral'];

function lookup(table: ReadonlyMap<string, Polarity>, prefixes: readonly (readonly [string, Polarity])[], name: string): Polarity | undefined {
  const exact = table.get(name);
  if (exact) return exact;
  // Longest prefix wins, so an override of `api_latency_batch*` beats the built-in `api_latency*`.
  let best: readonly [string, Polarity] | undefined;
  for (const entry of prefixes) if (name.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  return best?.[1];
}

function compile(entries: Readonly<Record<string, Polarity>>, what: string) {
  // A string (`polarity: 'lower'`) would otherwise be read character by character: 'polarity override "0" … got "l"'.
  if (typeof entries !== 'object' || entries === null || Array.isArray(entries))
    throw new LearningError('INVALID_ARGUMENT', `${what}s must be an object of metric name → "lower" | "higher" | "neutral", such as { bundle_kb: 'lower' }; got ${Array.isArray(entries) ? 'an array' : JSON.stringify(entries) ?? typeof entries}`);
  const exact = new Map<string, Polarity>();
  const prefixes: (readonly [string, Polarity])[] = [];
  for (const [key, value] of Object.entries(entries)) {
    if (value === undefined) continue; // no override, as an undefined option is no option
    if (!POLARITIES.includes(value))
      throw new LearningError('INVALID_ARGUMENT', `${what} "${key}": polarity must be "lower", "higher" or "neutral", got ${JSON.stringify(value)}`);
    if (key.endsWith('*')) prefixes.push([key.slice(0, -1), value] as const);
    else exact.set(key, value);
  }
  return { exact, prefixes };
}

/**
 * Creates a polarity registry: overrides first, then the guide's six metrics, then inference
 * from name tokens (duration, time, latency, errors, memory, size → lower; coverage, score,
 * throughput, ops, hit_rate → higher), else `'neutral'`. A key ending in `*` is a prefix.
 * @throws {LearningError} INVALID_ARGUMENT when an override is not "lower", "higher" or "neutral".
 * @example
 * const polarity = createPolarityRegistry({ bundle_gzip: 'lower', 'rps_*': 'higher' });
 * polarity.polarityOf('coverage_percent'); // 'higher'
 */
export function createPolarityRegistry(overrides: Readonly<Record<string, Polarity>> = {}): PolarityRegistry {
  const own = compile(overrides, 'polarity override');
  const builtin = compile(BUILTIN_POLARITIES, 'built-in polarity');
  const registry: PolarityRegistry = {
    polarityOf(name) {
      return lookup(own.exact, own.prefixes, name) ?? lookup(builtin.exact, builtin.prefixes, name) ?? inferPolarity(name) ?? 'neutral';
    },
    sourceOf(name) {
      if (lookup(own.exact, own.prefixes, name)) return 'override';
      if (lookup(builtin.exact, builtin.prefixes, name)) return 'builtin';
      return inferPolarity(name) ? 'inferred' : 'unknown';
    },
    with(more) {
      return createPolarityRegistry({ ...overrides, ...more });
    },
  };
  return Object.freeze(registry);
}

const DEFAULT_REGISTRY = createPolarityRegistry();

/**
 * The polarity of a metric with the default registry (no overrides).
 * @example polarityOf('test_duration') // 'lower'
 */
export function polarityOf(name: string): Polarity {
  return DEFAULT_REGISTRY.polarityOf(name);
}

/**
 * Whether a change in `direction` is good, bad or neither for a metric of this polarity.
 * @example judgeChange('lower', 'increase') // 'worse'
 */
export function judgeChange(polarity: Polarity, direction: 'increase' | 'decrease'): 'better' | 'worse' | 'neutral' {
  if (polarity === 'neutral') return 'neutral';
  return (polarity === 'lower') === (direction === 'increase') ? 'worse' : 'better';
}
