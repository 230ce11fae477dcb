import { MAX_METADATA_DEPTH, type JsonValue } from '@autodev/learning';

/**
 * A `where` value as JSON, for the request body, with the answer `jsonEqual` — the reference every backend
 * follows — gives for it. `undefined` when no stored metadata can equal it: NaN, ±Infinity, `undefined`, a
 * function, a symbol or a bigint anywhere in it, an array hole, or nesting deeper than metadata may (a cycle).
 * `JSON.stringify` would turn NaN into `null` (matching `null` values on the collector), drop `undefined` entries
 * (the filter vanished: every record matched) and throw a TypeError for a bigint, so such a query is never sent:
 * it answers `[]`, as the memory, file and SQLite stores do. Other objects compare by their own enumerable keys,
 * as `jsonEqual` reads them (a `Date` is `{}`, an object with `toJSON` never matches).
 */
export function whereJsonValue(value: unknown, depth = 0): JsonValue | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'object' || depth > MAX_METADATA_DEPTH) return undefined;
  if (Array.isArray(value)) {
    const out: JsonValue[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = i in value ? whereJsonValue(value[i], depth + 1) : undefined;
      if (item === undefined) return undefined;
      out.push(item);
    }
    return out;
  }
  const out: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value)) {
    const item = whereJsonValue((value as Record<string, unknown>)[key], depth + 1);
    if (item === undefined) return undefined;
    // A "__proto__" key is an own data property here, as JSON.parse makes it.
    Object.defineProperty(out, key, { value: item, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
