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

/** True when `s` holds a NUL or a lone surrogate: characters a UTF-8 driver may not pass through unchanged. */
export const hasUnsafeChars = (s: string): boolean => NEEDS_ENCODING.test(s);

/** The form of `s` that survives a round trip through a UTF-8 database driver. */
export function encodeText(s: string): string {
  return s.startsWith(MARKER) || NEEDS_ENCODING.test(s) ? MARKER + JSON.stringify(s) : s;
}

/** Inverse of {@link encodeText}. */
export function decodeText(s: string): string {
  return s.startsWith(MARKER) ? (JSON.parse(s.slice(MARKER.length)) as string) : s;
}
