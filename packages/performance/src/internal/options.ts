import { invalidArgument } from '../performance-error.js';

/**
 * Checks an options object: `undefined` means none; anything else must be a plain object whose keys are all
 * known. A misspelt or snake_case key (the guide's Python `max_size`) would otherwise be ignored and the
 * default used without a word, so it is refused with a did-you-mean.
 * @throws {PerformanceError} INVALID_ARGUMENT for a non-object or an unknown key.
 */
export function checkOptions(what: string, options: unknown, known: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    invalidArgument(`${what}: options must be an object such as { ${known[0]}: … }, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const camel = key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
    const lower = key.toLowerCase();
    // camelCase of a snake_case key, the same key in another case, or a unit-less name (`ttl` for `ttlMs`).
    const guess = known.includes(camel)
      ? camel
      : (known.find((k) => k.toLowerCase() === lower.replace(/_/g, '')) ?? known.find((k) => lower.length >= 3 && k.toLowerCase().startsWith(lower)));
    const hint = guess !== undefined ? `; did you mean ${guess}?` : '';
    invalidArgument(`${what}: unknown option "${key}"${hint} (options: ${known.join(', ')})`);
  }
}
