/** ANSI styles the CLI uses. Each is the identity when colour is off. */
export interface Colors {
  readonly enabled: boolean;
  readonly red: (s: string) => string;
  readonly green: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
  readonly cyan: (s: string) => string;
}

/**
 * Whether to colour output written to `stream`: only on a TTY, and never when `NO_COLOR` is set to a
 * non-empty value (https://no-color.org) or `TERM=dumb`.
 */
export function colorEnabled(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return stream.isTTY === true;
}

const wrap = (open: number, close: number) => (s: string) => `\u001b[${open}m${s}\u001b[${close}m`;
const id = (s: string) => s;

/** Colour functions for `enabled`. */
export function createColors(enabled: boolean): Colors {
  if (!enabled) return { enabled, red: id, green: id, yellow: id, dim: id, bold: id, cyan: id };
  return { enabled, red: wrap(31, 39), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), bold: wrap(1, 22), cyan: wrap(36, 39) };
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;]*m/g;

// Code points a terminal draws in two columns: East Asian Wide and Fullwidth (Hangul, CJK, kana, fullwidth forms)
// and emoji presented as emoji (Unicode UAX #11 and the Emoji_Presentation property).
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]|\p{Emoji_Presentation}/u;
// Code points drawn in no column of their own: combining marks, format characters (zero-width joiner, variation selectors).
const ZERO = /[\p{Mn}\p{Me}\p{Cf}]/u;

/**
 * The number of terminal columns `s` takes: ANSI escapes and combining marks take none, wide characters (CJK, Hangul,
 * emoji) two, every other code point one. Counting code points only, a metric named `테스트_시간` (6 code points,
 * 10 columns) pushed every later column of its row out of line.
 */
export function visibleWidth(s: string): number {
  let n = 0;
  for (const ch of s.replace(ANSI, '')) n += ZERO.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
  return n;
}
