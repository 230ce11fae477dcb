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

/** The number of terminal columns `s` takes: ANSI escapes are zero-width; every code point counts one. */
export function visibleWidth(s: string): number {
  let n = 0;
  for (const _ of s.replace(ANSI, '')) n++;
  return n;
}
