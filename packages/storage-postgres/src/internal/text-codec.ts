/**
 * Database drivers send strings as UTF-8, and UTF-8 cannot carry a lone UTF-16 surrogate: the
 * driver silently turns one into U+FFFD, so a metric named "a\uD800" would come back as "a\uFFFD".
 * JavaScript strings (and therefore valid metric names and metadata) may hold them, so such strings,
 * strings with NUL (PostgreSQL text and jsonb reject it) and strings that start with the marker are
 * stored as MARKER + JSON.stringify(s) — pure, well-formed text — and decoded on the way out. The
 * mapping is injective, so equality in the database is still equality of the original strings.
 */
export const MARKER = '\uFDD0'; // a Unicode noncharacter: never seen in ordinary metric names

// A NUL, a high surrogate not followed by a low one, a low surrogate not preceded by a high one.
// eslint-disable-next-line no-control-regex -- NUL is exactly what must be found
const NEEDS_ENCODING = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The form of `s` that survives a round trip through a UTF-8 database driver. */
export function encodeText(s: string): string {
  return s.startsWith(MARKER) || NEEDS_ENCODING.test(s) ? MARKER + JSON.stringify(s) : s;
}

/** Inverse of {@link encodeText}. */
export function decodeText(s: string): string {
  return s.startsWith(MARKER) ? (JSON.parse(s.slice(MARKER.length)) as string) : s;
}

// Plain assignment of "__proto__" would set the prototype instead of creating the key JSON.parse creates.
function setOwn(obj: object, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else (obj as Record<string, unknown>)[key] = value;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * {@link encodeText} applied to every string and object key of a JSON value, so it fits in jsonb.
 * Returns the input itself when nothing needed encoding (the common case allocates nothing).
 */
export function encodeJson<T extends Json>(value: T): T {
  if (typeof value === 'string') return encodeText(value) as T;
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let out: Json[] | undefined;
    value.forEach((item, i) => {
      const e = encodeJson(item);
      if (e !== item) (out ??= value.slice())[i] = e;
    });
    return (out ?? value) as T;
  }
  let changed = false;
  const out: { [key: string]: Json } = {};
  for (const [k, item] of Object.entries(value)) {
    const ek = encodeText(k);
    const e = encodeJson(item);
    if (ek !== k || e !== item) changed = true;
    setOwn(out, ek, e);
  }
  return (changed ? out : value) as T;
}

/** Inverse of {@link encodeJson}, in place on a freshly parsed value. */
export function decodeJson(value: Json): Json {
  if (typeof value === 'string') return decodeText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(decodeJson);
  const out: { [key: string]: Json } = {};
  for (const [k, item] of Object.entries(value)) setOwn(out, decodeText(k), decodeJson(item));
  return out;
}
