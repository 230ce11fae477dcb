// Shared inputs of the parser property tests: the real reports, arbitraries that damage them, and the
// invariant every import must keep (a clean result, or a typed error that names the file and says what to fix).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect } from 'vitest';
import { isCliError } from '../../src/errors.js';
import { fixture } from '../helpers.js';

export const realReports = {
  junit: ['junit-vitest.xml', 'junit-jest.xml', 'junit-pytest.xml', 'junit-pytest-xunit1-legacy.xml', 'surefire-reports/TEST-com.example.CartTest.xml', 'junit-gradle.xml'],
  coverage: ['lcov-vitest-v8.info', 'coverage-summary-vitest-v8.json', 'lcov-nyc.info', 'lcov-c8.info', 'coverage-summary-jest.json'],
  eslint: ['eslint.json', 'eslint8.json', 'eslint9-with-metadata.json'],
  monitor: ['monitor-snapshot.json'],
  records: ['records.jsonl', 'records.json'],
} as const;

export type Format = keyof typeof realReports;
export const bytesOf = (name: string): Buffer => readFileSync(fixture(name));

/** Values a broken or hostile writer could put where a number belongs. */
export const nastyNumbers = ['', ' ', '-1', '-0', '1.5', '0x10', '1e3', '1e308', '1e309', '-1e309', 'NaN', 'Infinity', '9007199254740993', '99999999999999999999999', '１', '1,5', '1,234.5', '1_000', '+2', '0.0', '3.0', '.5', '5.', '1e-400', 'null', 'true', '[]', '{}', '"7"', '\u0000', '\ufeff1'];

/** Strings that break naive parsers and terminals. */
export const nastyStrings = ['', '\u0000', '\r\n', '\n', '\u001b[31m', '\ud800', '\uffff', '\ufeff', '&amp;', '&#0;', '&#x110000;', '&lol;', ']]>', '<!--', '"', "'", '\\', '__proto__', 'constructor', 'toString', '😀', 'a'.repeat(300)];

/** One byte array: random, a real report cut short, a real report with bytes changed, or with text spliced in. */
export function damagedBytes(format: Format): fc.Arbitrary<Buffer> {
  const real = fc.constantFrom(...realReports[format].map(bytesOf));
  const random = fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a));
  const truncated = real.chain((b) => fc.nat({ max: b.length }).map((n) => b.subarray(0, n)));
  const flipped = real.chain((b) =>
    fc.array(fc.tuple(fc.nat({ max: b.length - 1 }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 12 }).map((edits) => {
      const c = Buffer.from(b);
      for (const [i, v] of edits) c[i] = v;
      return c;
    }),
  );
  const spliced = real.chain((b) =>
    fc.tuple(fc.nat({ max: b.length }), fc.nat({ max: 40 }), fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.constantFrom(...nastyStrings, ...nastyNumbers))).map(([at, cut, s]) =>
      Buffer.concat([b.subarray(0, at), Buffer.from(s, 'utf8'), b.subarray(Math.min(b.length, at + cut))]),
    ),
  );
  // Every number of a real report replaced (one at a time) with something that is not a count or time.
  const renumbered = real.chain((b) => {
    const text = b.toString('utf8');
    const spots = [...text.matchAll(/-?\d+(\.\d+)?([eE][+-]?\d+)?/g)];
    return fc.tuple(fc.nat({ max: Math.max(0, spots.length - 1) }), fc.constantFrom(...nastyNumbers), fc.boolean()).map(([k, v, quoted]) => {
      const m = spots[k];
      if (m === undefined) return b;
      // In JSON a bare `1e309` is a number; `"1e309"` is a string: try both.
      const value = quoted && text[m.index - 1] !== '"' ? JSON.stringify(v) : v;
      return Buffer.from(text.slice(0, m.index) + value + text.slice(m.index + m[0].length), 'utf8');
    });
  });
  const reencoded = real.chain((b) =>
    fc.constantFrom(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), b]),
      Buffer.from(b.toString('utf8').replace(/\r?\n/g, '\r\n'), 'utf8'),
      Buffer.from(b.toString('utf8').replace(/\r?\n/g, '\r'), 'utf8'),
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(b.toString('utf8'), 'utf16le')]),
      Buffer.from(b.toString('utf8'), 'utf16le'), // UTF-16 without its byte order mark
      Buffer.from(b.toString('latin1'), 'utf16le').subarray(1), // odd length
      Buffer.from(b.toString('utf8'), 'latin1'),
    ),
  );
  return fc.oneof({ arbitrary: random, weight: 2 }, { arbitrary: truncated, weight: 2 }, { arbitrary: flipped, weight: 3 }, { arbitrary: spliced, weight: 2 }, { arbitrary: renumbered, weight: 3 }, { arbitrary: reencoded, weight: 1 });
}

// C0 and C1 control characters (other than tab), bidi overrides, and lone surrogates: what must not reach a terminal raw.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The invariant of a failed parse: a CliError BAD_INPUT (exit code 2) whose message starts with the file name and
 * holds no raw control character (one line, nothing that drives the terminal), with a hint saying what to do.
 */
export function expectTypedInputError(e: unknown, file: string): void {
  if (!isCliError(e)) throw new Error(`expected a CliError, got ${String((e as Error)?.stack ?? e)}`);
  expect(e.code).toBe('BAD_INPUT');
  expect(e.exitCode).toBe(2);
  expect(e.message.startsWith(file)).toBe(true);
  expect(e.message, e.message).not.toMatch(UNPRINTABLE);
  expect(e.hint, e.message).toBeTypeOf('string');
  expect(e.hint!.length).toBeGreaterThan(10);
  expect(e.hint, e.hint).not.toMatch(UNPRINTABLE);
}

/** A finite number >= 0 (a count, a time, a percentage). */
export const expectQuantity = (v: unknown, what: string, max = Number.MAX_VALUE): void => {
  expect(typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= max, `${what} = ${String(v)}`).toBe(true);
};
/** A whole number of tests / problems / calls. */
export const expectCount = (v: unknown, what: string): void => {
  expect(Number.isSafeInteger(v) && (v as number) >= 0, `${what} = ${String(v)}`).toBe(true);
};

/** The typed error `f` throws (it must throw one). */
export async function refusal(f: () => unknown, file: string): Promise<{ message: string; hint?: string }> {
  try {
    await f();
  } catch (e) {
    expectTypedInputError(e, file);
    return e as { message: string; hint?: string };
  }
  throw new Error(`${file} was accepted`);
}
