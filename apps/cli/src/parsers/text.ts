import { CliError } from '../errors.js';

// C0 and C1 control characters, bidirectional overrides and isolates, line/paragraph separators, and lone
// surrogates. Tab is kept.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\0': '\\0' };

/**
 * `s` with every character that would break the one-line error message or drive the terminal (a newline, NUL, an
 * ESC sequence, a bidi override, a lone surrogate) written as an escape (`\n`, `\u001b`). Error messages quote
 * what a broken report holds; a report is not trusted to be text.
 */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A BAD_INPUT error about a report: the message made printable; `hint` says what to do. */
export function badReport(message: string, hint: string, cause?: unknown): CliError {
  return new CliError('BAD_INPUT', printable(message), cause === undefined ? { hint } : { hint, cause });
}

/** 1-based line and column of the UTF-16 offset `pos` in `text`. */
export function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1, start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: pos - start + 1 };
}

/**
 * `JSON.parse(text)`, or a BAD_INPUT error `file:line:column: not valid JSON: …` (the place when the engine says
 * it) that says when the file ends early, as a report written by a killed run does.
 * @throws {CliError} BAD_INPUT.
 */
export function parseJsonReport(text: string, file: string, hint: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const message = (e as Error).message;
    const at = /at position (\d+)/.exec(message);
    const pos = at === null ? undefined : Number(at[1]);
    const where = pos === undefined ? '' : (({ line, column }) => `:${line}:${column}`)(lineColumn(text, pos));
    const cut = /end of JSON input|Unterminated string/.test(message) || (pos !== undefined && pos >= text.trimEnd().length) ? ' (the file ends early: was it cut short?)' : '';
    throw badReport(`${file}${where}: not valid JSON${cut}: ${message}`, hint, e);
  }
}
