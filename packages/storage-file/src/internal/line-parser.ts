import { FORMAT_NAME } from './format.js';

/** What one line turned out to be. */
export const LineKind = {
  BLANK: 0,
  RECORD: 1,
  HEADER: 2,
  /** Not a line this format knows: garbage, a torn write, a record with wrong field types. */
  BAD: 3,
} as const;
export type LineKind = (typeof LineKind)[keyof typeof LineKind];

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];
/** Largest timestamp a valid `Date` can hold; learning rejects anything beyond it, so a file holding one is damaged. */
const MAX_TIMESTAMP_MS = 8.64e15;
const BATCH_TAG = /^[0-9a-f]{1,32}\/[1-9]\d{0,9}$/;

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Parses a JSON number in `s[a, b)`, NaN when the text is not exactly one JSON number.
 *
 * Why not `Number(slice)`: most values in metric files are integers (timestamps) or short decimals,
 * and for those the digits can be accumulated exactly (< 2^53) and scaled by one exact power of ten;
 * IEEE division is correctly rounded, so the result equals the correctly rounded decimal, which is
 * what `JSON.parse` returns (Clinger's fast path). Longer mantissas and exponents go to `Number`,
 * after this scan has checked the JSON grammar (which is stricter than `Number`'s).
 * @see W. D. Clinger, "How to Read Floating Point Numbers Accurately", PLDI 1990.
 */
export function parseJsonNumber(s: string, a: number, b: number): number {
  let i = a;
  let neg = false;
  if (s.charCodeAt(i) === 45) {
    neg = true;
    i++;
  }
  let m = 0;
  let digits = 0;
  let scale = 0;
  let c = s.charCodeAt(i);
  if (c === 48) {
    i++;
    digits = 1;
    if (i < b && isDigit(s.charCodeAt(i))) return NaN; // JSON has no leading zeros
  } else if (c >= 49 && c <= 57) {
    while (i < b && isDigit((c = s.charCodeAt(i)))) {
      m = m * 10 + (c - 48);
      digits++;
      i++;
    }
  } else return NaN;
  if (i < b && s.charCodeAt(i) === 46) {
    i++;
    const start = i;
    while (i < b && isDigit((c = s.charCodeAt(i)))) {
      m = m * 10 + (c - 48);
      digits++;
      scale++;
      i++;
    }
    if (i === start) return NaN;
  }
  let exponent = false;
  if (i < b && ((c = s.charCodeAt(i)) === 101 || c === 69)) {
    exponent = true;
    i++;
    c = s.charCodeAt(i);
    if (c === 43 || c === 45) i++;
    const start = i;
    while (i < b && isDigit(s.charCodeAt(i))) i++;
    if (i === start) return NaN;
  }
  if (i !== b) return NaN;
  if (exponent || digits > 15) {
    const v = Number(s.slice(a, b));
    return Number.isFinite(v) ? v : NaN;
  }
  const v = scale === 0 ? m : m / POW10[scale]!;
  return neg ? -v : v;
}

/**
 * True when `t` is a proper prefix of some JSON text: what a write cut short leaves behind.
 * A line that fails to parse but passes this is a torn write, anything else is damage.
 */
export function isJsonPrefix(t: string): boolean {
  // Containers: 123 '{' or 91 '['. Expect: 0 value, 1 key or '}', 2 key, 3 ':', 4 ',' or closer, 5 ']' or value.
  const stack: number[] = [];
  let expect = 0;
  let i = 0;
  const n = t.length;
  const literal = (word: string): boolean => {
    const rest = Math.min(word.length, n - i);
    if (t.slice(i, i + rest) !== word.slice(0, rest)) return false;
    i += rest;
    return true;
  };
  while (i < n) {
    const c = t.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
      continue;
    }
    if (expect === 0 || expect === 5) {
      if (expect === 5 && c === 93) {
        stack.pop();
        expect = 4;
        i++;
      } else if (c === 123) {
        stack.push(123);
        expect = 1;
        i++;
      } else if (c === 91) {
        stack.push(91);
        expect = 5;
        i++;
      } else if (c === 34) {
        const end = scanString(t, i);
        if (end === -2) return false;
        if (end === -1) return true;
        i = end;
        expect = 4;
      } else if (c === 45 || isDigit(c)) {
        i++;
        while (i < n && /[0-9eE.+-]/.test(t[i]!)) i++;
        expect = 4;
      } else if (c === 116 || c === 102 || c === 110) {
        if (!literal(c === 116 ? 'true' : c === 102 ? 'false' : 'null')) return false;
        expect = 4;
      } else return false;
    } else if (expect === 1 || expect === 2) {
      if (expect === 1 && c === 125) {
        stack.pop();
        expect = 4;
        i++;
      } else if (c === 34) {
        const end = scanString(t, i);
        if (end === -2) return false;
        if (end === -1) return true;
        i = end;
        expect = 3;
      } else return false;
    } else if (expect === 3) {
      if (c !== 58) return false;
      expect = 0;
      i++;
    } else {
      const top = stack.at(-1);
      if (top === undefined) return false; // a complete value followed by more text
      if (c === 44) expect = top === 123 ? 2 : 0;
      else if ((c === 125 && top === 123) || (c === 93 && top === 91)) {
        stack.pop();
        expect = 4;
      } else return false;
      i++;
    }
  }
  return stack.length > 0 || expect !== 4;
}

/** Index after the closing quote of the string starting at `t[i]`; -1 when cut off; -2 when invalid. */
function scanString(t: string, i: number): number {
  for (let j = i + 1; j < t.length; j++) {
    const c = t.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c < 32) return -2;
    if (c === 92) j++;
  }
  return -1;
}

/**
 * Recognises one line of a metrics file. Reused for every line, so the fast path allocates only
 * the name and metadata strings. Results are left in the public fields.
 */
export class LineParser {
  name = '';
  value = 0;
  timestamp = 0;
  /** The metadata object as JSON text: validated by the caller the first time a text is seen. */
  meta = '';
  /** `"<id>/<count>"` for a record written as part of a multi-record append, else ''. */
  batch = '';
  /** Header version. */
  version = 0;
  /** Why a BAD line is bad, for the error message. */
  reason = '';

  /** Parses `s[a, b)` (no line terminator). */
  parse(s: string, a: number, b: number): LineKind {
    if (a === b) return LineKind.BLANK;
    return this.fast(s, a, b) ? LineKind.RECORD : this.slow(s.slice(a, b));
  }

  /** The exact shape `recordLine` writes: `{"name":"…","value":…,"timestamp":…,"metadata":{…}[,"batch":"…"]}`. */
  private fast(s: string, a: number, b: number): boolean {
    if (!s.startsWith('{"name":"', a) || s.charCodeAt(b - 1) !== 125) return false;
    const nameStart = a + 9;
    const q = s.indexOf('"', nameStart);
    if (q < 0 || q >= b || q === nameStart) return false;
    for (let i = nameStart; i < q; i++) {
      const c = s.charCodeAt(i);
      if (c < 32 || c === 92) return false; // escapes and control characters: leave them to JSON.parse
    }
    if (!s.startsWith('","value":', q)) return false;
    let p = q + 10;
    let e = s.indexOf(',', p);
    if (e < 0 || e >= b) return false;
    const value = parseJsonNumber(s, p, e);
    if (Number.isNaN(value) || !s.startsWith(',"timestamp":', e)) return false;
    p = e + 13;
    e = s.indexOf(',', p);
    if (e < 0 || e >= b) return false;
    const timestamp = parseJsonNumber(s, p, e);
    if (Number.isNaN(timestamp) || Math.abs(timestamp) > MAX_TIMESTAMP_MS || !s.startsWith(',"metadata":{', e)) return false;
    p = e + 12;
    let metaEnd = b - 1;
    let batch = '';
    if (s.charCodeAt(b - 2) === 34) {
      const t = s.lastIndexOf(',"batch":"', b);
      if (t <= p) return false;
      batch = s.slice(t + 10, b - 2);
      if (!BATCH_TAG.test(batch)) return false;
      metaEnd = t;
    }
    if (s.charCodeAt(metaEnd - 1) !== 125) return false;
    this.name = s.slice(nameStart, q);
    this.value = value;
    this.timestamp = timestamp;
    this.meta = metaEnd - p === 2 ? '{}' : s.slice(p, metaEnd);
    this.batch = batch;
    return true;
  }

  /** Anything else: parse it as JSON and check each field. */
  private slow(line: string): LineKind {
    if (line.trim() === '') return LineKind.BLANK;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      this.reason = `not valid JSON (${(e as Error).message})`;
      return LineKind.BAD;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      this.reason = 'not a JSON object';
      return LineKind.BAD;
    }
    const o = v as Record<string, unknown>;
    if ('format' in o) {
      if (o.format !== FORMAT_NAME || !Number.isInteger(o.version) || (o.version as number) < 1) {
        this.reason = `header names format ${JSON.stringify(o.format)} version ${JSON.stringify(o.version)}, expected "${FORMAT_NAME}" version 1 or newer`;
        return LineKind.BAD;
      }
      this.version = o.version as number;
      return LineKind.HEADER;
    }
    const { name, value, timestamp, metadata, batch } = o;
    if (typeof name !== 'string' || name.length === 0) this.reason = '"name" must be a non-empty string';
    else if (typeof value !== 'number' || !Number.isFinite(value)) this.reason = '"value" must be a finite number';
    else if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || Math.abs(timestamp) > MAX_TIMESTAMP_MS)
      this.reason = '"timestamp" must be epoch milliseconds';
    else if (metadata !== undefined && (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)))
      this.reason = '"metadata" must be an object';
    else if (batch !== undefined && (typeof batch !== 'string' || !BATCH_TAG.test(batch))) this.reason = '"batch" must look like "<hex id>/<count>"';
    else {
      this.name = name;
      this.value = value;
      this.timestamp = timestamp;
      this.meta = metadata === undefined ? '{}' : JSON.stringify(metadata);
      this.batch = batch ?? '';
      return LineKind.RECORD;
    }
    return LineKind.BAD;
  }
}

/**
 * True when `s` is exactly one JSON object (RFC 8259 grammar, surrounding whitespace allowed).
 * Validates metadata on open without building it: cheaper than `JSON.parse` and allocation-free,
 * which matters when a million records each carry distinct metadata.
 */
export function isJsonObjectText(s: string): boolean {
  const n = s.length;
  let i = ws(s, 0);
  if (s.charCodeAt(i) !== 123) return false;
  i = jsonValue(s, i, 0);
  return i >= 0 && ws(s, i) === n;
}

function ws(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c === 32 || c === 10 || c === 13 || c === 9) i++;
    else return i;
  }
}

const MAX_DEPTH = 512;

/** Index after the JSON value starting at `s[i]` (no leading whitespace), or -1. */
function jsonValue(s: string, i: number, depth: number): number {
  const c = s.charCodeAt(i);
  if (c === 34) return jsonString(s, i);
  if (c === 123 || c === 91) {
    if (depth > MAX_DEPTH) return -1;
    const object = c === 123;
    const close = object ? 125 : 93;
    i = ws(s, i + 1);
    if (s.charCodeAt(i) === close) return i + 1;
    for (;;) {
      if (object) {
        if (s.charCodeAt(i) !== 34) return -1;
        i = jsonString(s, i);
        if (i < 0) return -1;
        i = ws(s, i);
        if (s.charCodeAt(i) !== 58) return -1;
        i = ws(s, i + 1);
      }
      i = jsonValue(s, i, depth + 1);
      if (i < 0) return -1;
      i = ws(s, i);
      const d = s.charCodeAt(i);
      if (d === close) return i + 1;
      if (d !== 44) return -1;
      i = ws(s, i + 1);
    }
  }
  if (c === 116) return s.startsWith('true', i) ? i + 4 : -1;
  if (c === 102) return s.startsWith('false', i) ? i + 5 : -1;
  if (c === 110) return s.startsWith('null', i) ? i + 4 : -1;
  if (c === 45 || isDigit(c)) {
    let j = i + (c === 45 ? 1 : 0);
    if (s.charCodeAt(j) === 48) j++;
    else if (isDigit(s.charCodeAt(j))) while (isDigit(s.charCodeAt(j))) j++;
    else return -1;
    if (s.charCodeAt(j) === 46) {
      j++;
      if (!isDigit(s.charCodeAt(j))) return -1;
      while (isDigit(s.charCodeAt(j))) j++;
    }
    const e = s.charCodeAt(j);
    if (e === 101 || e === 69) {
      j++;
      const sign = s.charCodeAt(j);
      if (sign === 43 || sign === 45) j++;
      if (!isDigit(s.charCodeAt(j))) return -1;
      while (isDigit(s.charCodeAt(j))) j++;
    }
    return j;
  }
  return -1;
}

const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

function jsonString(s: string, i: number): number {
  const n = s.length;
  for (let j = i + 1; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c === 34) return j + 1;
    if (c < 32) return -1;
    if (c === 92) {
      const e = s.charCodeAt(++j);
      if (e === 117) {
        if (!(isHex(s.charCodeAt(j + 1)) && isHex(s.charCodeAt(j + 2)) && isHex(s.charCodeAt(j + 3)) && isHex(s.charCodeAt(j + 4)))) return -1;
        j += 4;
      } else if (e !== 34 && e !== 92 && e !== 47 && e !== 98 && e !== 102 && e !== 110 && e !== 114 && e !== 116) return -1;
    }
  }
  return -1;
}
