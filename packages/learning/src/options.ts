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
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const hint = camel !== key && known.includes(camel) ? `; did you mean ${camel}?` : '';
    throw new LearningError('INVALID_ARGUMENT', `${what}: unknown option "${key}"${hint} (options: ${known.join(', ')})`);
  }
  return options;
}
