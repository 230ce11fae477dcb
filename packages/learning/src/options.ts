import { LearningError } from './errors.js';

/**
 * Checks an options argument of a public function: `undefined` or `null` (treated as "no options"), or a
 * plain object whose keys are all known. Returns the options as an object.
 *
 * Why unknown keys are refused: options are optional, so a misspelt key would silently fall back to the
 * default. The guide this package implements is Python, so `{ window_size: 5 }` or `{ min_confidence: 0.8 }`
 * is the natural first try; without this check `analyzeTrends` analyzed the default 10 points and said nothing.
 * @throws {LearningError} INVALID_ARGUMENT naming the function, the bad key and the keys it takes (with the
 * camelCase spelling when the key is a snake_case version of one).
 */
export function checkOptions<T extends object>(what: string, options: T | null | undefined, known: readonly string[]): Partial<T> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options))
    throw new LearningError('INVALID_ARGUMENT', `${what}: options must be an object such as { ${known[0]}: … }, got ${Array.isArray(options) ? 'an array' : typeof options}`);
  rejectUnknownKeys(what, options, known);
  return options;
}

/** How {@link rejectUnknownKeys} words and judges keys. */
export interface UnknownKeyOptions {
  /** What a key is called in the message. @default 'option' */
  readonly noun?: 'option' | 'field';
  /** Keys that mean a known key under another library's name (`{ max: 'maxConnections' }` for pg.Pool's). */
  readonly aliases?: Readonly<Record<string, string>>;
  /** Let an unknown key through when its value is `undefined` (it asks for nothing). @default false */
  readonly allowUndefined?: boolean;
}

/**
 * Throws for the first key of `obj` that is not in `known`, naming it, the key it most likely meant and all the
 * known keys: `openSqliteStore: unknown option "readonly"; did you mean readOnly? (options: path, readOnly, …)`.
 * For the options of storage backends and other plugins, so that a misspelt option is never silently ignored.
 * @throws {LearningError} INVALID_ARGUMENT
 */
export function rejectUnknownKeys(what: string, obj: object, known: readonly string[], options: UnknownKeyOptions = {}): void {
  const noun = options.noun ?? 'option';
  for (const [key, value] of Object.entries(obj)) {
    if (known.includes(key) || (value === undefined && options.allowUndefined)) continue;
    const guess = (options.aliases && Object.hasOwn(options.aliases, key) ? options.aliases[key] : undefined) ?? closestKey(key, known);
    throw new LearningError('INVALID_ARGUMENT', `${what}: unknown ${noun} ${JSON.stringify(key)}${guess ? `; did you mean ${guess}?` : ''} (${noun}s: ${known.join(', ')})`);
  }
}

/**
 * The known key `key` most likely meant: its camelCase spelling (`window_size` → `windowSize`), else the nearest by
 * edit distance when it is within 2 edits (`nmae` → `name`, `limt` → `limit`), else none.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  if (camel !== key && known.includes(camel)) return camel;
  let best: string | undefined;
  let bestDistance = 3;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best;
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions, so `nmae` is one edit from `name`). */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
