import { LearningError } from './errors.js';

/** A JSON value as it can be stored in metadata. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** Context for a record: `suite`, `branch`, `node_version`... A plain JSON object. */
export type Metadata = { [key: string]: JsonValue };

/** One observation of one metric. `timestamp` is milliseconds since the Unix epoch. */
export interface MetricRecord {
  readonly name: string;
  readonly value: number;
  readonly timestamp: number;
  readonly metadata: Metadata;
}

/** Longest accepted metric name, in UTF-16 code units. Long enough for `api_latency_<route>_p99`. */
export const MAX_METRIC_NAME_LENGTH = 200;
/** Largest accepted metadata, as serialized JSON, in UTF-16 code units. Keeps one record small. */
export const MAX_METADATA_JSON_LENGTH = 64 * 1024;
/**
 * Deepest nesting of objects and arrays in metadata. Context values are flat in practice; the limit turns a
 * pathological input (thousands of levels, which would overflow the stack of every recursive reader) into a
 * clear INVALID_RECORD instead of a RangeError.
 */
export const MAX_METADATA_DEPTH = 64;
/** Latest accepted timestamp: the largest valid JavaScript Date (year 275760). */
export const MAX_TIMESTAMP_MS = 8.64e15;

const describe = (v: unknown): string => {
  if (typeof v === 'number') return Number.isNaN(v) ? 'NaN' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : typeof v;
};

const invalid = (name: unknown, what: string): LearningError =>
  new LearningError(
    'INVALID_RECORD',
    typeof name === 'string' && name.length > 0 && name.length <= MAX_METRIC_NAME_LENGTH
      ? `metric "${name}": ${what}`
      : what,
  );

/**
 * Checks a metric name and returns it.
 * @throws {LearningError} INVALID_RECORD when the name is not a non-empty string of at most
 * {@link MAX_METRIC_NAME_LENGTH} characters without control characters.
 */
export function validateMetricName(name: unknown): string {
  if (typeof name !== 'string') throw invalid(undefined, `metric name must be a string, got ${describe(name)}`);
  if (name.trim().length === 0) throw invalid(undefined, 'metric name must not be empty; use a descriptive name such as "test_duration"');
  if (name.length > MAX_METRIC_NAME_LENGTH)
    throw invalid(undefined, `metric name must be at most ${MAX_METRIC_NAME_LENGTH} characters, got ${name.length} ("${name.slice(0, 40)}…")`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) throw invalid(undefined, `metric name ${JSON.stringify(name)} must not contain control characters`);
  return name;
}

function checkJson(name: string, v: unknown, path: string, seen: Set<object>): JsonValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw invalid(name, `metadata ${path} must be a finite number, got ${describe(v)}`);
    // JSON has no −0: a backend that stores JSON would give back 0, so every backend keeps 0.
    return v === 0 ? 0 : v;
  }
  if (typeof v !== 'object') throw invalid(name, `metadata ${path} must be JSON (string, number, boolean, null, array or object), got ${typeof v}`);
  if (seen.has(v)) throw invalid(name, `metadata ${path} is circular; metadata must be a tree of JSON values`);
  // `seen` holds exactly the objects on the path from the root, so its size is the depth.
  if (seen.size >= MAX_METADATA_DEPTH) throw invalid(name, `metadata nests deeper than ${MAX_METADATA_DEPTH} levels (at ${path.slice(0, 80)}…); keep metadata to short, flat context values`);
  seen.add(v);
  try {
    if (Array.isArray(v)) return Object.freeze(v.map((item, i) => checkJson(name, item, `${path}[${i}]`, seen))) as JsonValue[];
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null)
      throw invalid(name, `metadata ${path} must be a plain object, got ${(v.constructor as { name?: string } | undefined)?.name ?? 'an object'}; convert it (e.g. a Date to toISOString())`);
    const out: Metadata = {};
    for (const [k, item] of Object.entries(v)) {
      if (item === undefined) continue; // JSON.stringify drops undefined too: same meaning everywhere
      const checked = checkJson(name, item, `${path}.${k}`, seen);
      // `out.__proto__ = x` would set the prototype (or do nothing) instead of keeping the key that JSON.parse
      // produced; define it as the own data property it is.
      if (k === '__proto__') Object.defineProperty(out, k, { value: checked, enumerable: true, writable: true, configurable: true });
      else out[k] = checked;
    }
    // Frozen all the way down: stores hand the same objects to every reader, so no caller may
    // change what a later query returns.
    return Object.freeze(out);
  } finally {
    seen.delete(v);
  }
}

/**
 * Checks metadata and returns a detached copy (later mutation by the caller cannot change a record).
 * @throws {LearningError} INVALID_RECORD when metadata is not a plain JSON object, holds a cycle,
 * a non-finite number, a function, a symbol, a bigint, a class instance, or is too large.
 */
export function validateMetadata(metadata: unknown, name = ''): Metadata {
  if (metadata === undefined || metadata === null) return {};
  if (typeof metadata !== 'object' || Array.isArray(metadata))
    throw invalid(name, `metadata must be a plain object such as { branch: "main" }, got ${describe(metadata)}`);
  const copy = checkJson(name, metadata, 'metadata', new Set()) as Metadata;
  const size = JSON.stringify(copy).length;
  if (size > MAX_METADATA_JSON_LENGTH)
    throw invalid(name, `metadata is ${size} characters as JSON; the limit is ${MAX_METADATA_JSON_LENGTH}. Keep metadata to short context values`);
  return copy;
}

/** An ISO-8601 calendar date, optionally with a time (seconds and fraction optional) and a zone (Z or ±hh[:]mm). */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses an ISO-8601 timestamp strictly: a calendar date (`2026-01-31`, UTC midnight) or a date and time with `Z`
 * or an offset (`2026-01-31T12:00:00Z`, `…+02:00`). Returns epoch milliseconds, or a sentence saying what is wrong.
 *
 * Why not `Date.parse` alone: it also takes "March 7" (2001-03-07), "Tue 1" and "1/2/2026" (January 2, month
 * first), rolls impossible days over (2026-02-30 is March 2), and reads a date and time without a zone in the time
 * zone of whichever machine parses it — a collector's, not the caller's. `localTime: true` accepts that last form
 * as local time (for a person typing at their own terminal).
 * @example
 * parseIsoTimestamp('2026-01-31T12:00:00Z'); // 1769860800000
 * parseIsoTimestamp('2026-02-30'); // '2026-02-30 is not a calendar date (2026-02 has 28 days)'
 */
export function parseIsoTimestamp(text: string, options: { localTime?: boolean } = {}): number | string {
  const t = text.trim();
  const m = ISO_8601.exec(t);
  if (!m) return `${JSON.stringify(text)} is not an ISO-8601 date or time such as 2026-01-31T12:00:00Z`;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth)
    return `${t} is not a calendar date (${m[1]}-${m[2]} has ${month >= 1 && month <= 12 ? `${daysInMonth} days` : 'no such month'})`;
  const hasTime = t.length > 10;
  if (hasTime && m[4] === undefined && !options.localTime)
    return `${t} has no time zone, and the machine reading it may be in another one: add Z (UTC) or an offset such as +02:00`;
  const ms = Date.parse(t.replace(' ', 'T'));
  return Number.isFinite(ms) ? ms : `${t} is not a valid time (hours 00–23, minutes and seconds 00–59)`;
}

/**
 * Turns a timestamp given as epoch milliseconds, a `Date` or an ISO-8601 string into epoch milliseconds.
 * @throws {LearningError} INVALID_RECORD when the timestamp is not a valid date.
 */
export function validateTimestamp(timestamp: unknown, name = ''): number {
  let ms: number;
  if (typeof timestamp === 'number') ms = timestamp;
  else if (timestamp instanceof Date) ms = timestamp.getTime();
  else if (typeof timestamp === 'string' && timestamp.trim() !== '') {
    const parsed = parseIsoTimestamp(timestamp);
    if (typeof parsed === 'string') throw invalid(name, `timestamp ${parsed}`);
    ms = parsed;
  }
  else throw invalid(name, `timestamp must be epoch milliseconds, a Date or an ISO-8601 string, got ${describe(timestamp)}`);
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_TIMESTAMP_MS)
    throw invalid(name, `timestamp ${describe(timestamp)} is not a valid date; use epoch milliseconds or an ISO-8601 string like "2026-01-31T12:00:00Z"`);
  return ms === 0 ? 0 : ms; // −0 becomes 0, as JSON-based backends would return it
}

/**
 * Reads a clock given as an option (`now` of MetricsTracker, FeedbackLoop, …) and checks what it returned. A clock
 * returning a Date, a string or NaN used to surface as a bad *record* ("pass records validated by …"), blaming the
 * caller's data instead of the clock.
 * @throws {LearningError} INVALID_ARGUMENT when the clock does not return epoch milliseconds.
 * @internal
 */
export function readClock(now: () => unknown): number {
  const t = now();
  if (typeof t !== 'number' || !Number.isFinite(t) || Math.abs(t) > MAX_TIMESTAMP_MS)
    throw new LearningError(
      'INVALID_ARGUMENT',
      `the clock (the now option) returned ${t instanceof Date ? 'a Date' : describe(t)}; it must return epoch milliseconds like Date.now()${t instanceof Date ? ' (use () => date.getTime())' : ''}`,
    );
  return t === 0 ? 0 : t;
}

/** What a caller may hand in: everything but `name` and `value` optional, timestamps in any accepted form. */
export interface MetricRecordInput {
  name: string;
  value: number;
  timestamp?: number | Date | string;
  metadata?: Metadata;
}

/**
 * Validates a record and returns a clean, frozen copy. This runs in `@autodev/learning`, above the
 * storage interface, so every backend receives only valid records.
 * @throws {LearningError} INVALID_RECORD naming the metric and what to fix.
 */
export function validateRecord(input: MetricRecordInput, now: () => number = Date.now): MetricRecord {
  if (typeof input !== 'object' || input === null) throw invalid(undefined, `record must be an object, got ${describe(input)}`);
  // An array would otherwise be blamed on its missing name ("metric name must be a string, got undefined").
  if (Array.isArray(input)) throw invalid(undefined, 'record must be an object { name, value, timestamp?, metadata? }, got an array; pass each record on its own');
  const name = validateMetricName(input.name);
  // Refused when recording only (reads still accept any name a store holds): " test_duration" would start a second
  // metric that looks like the first in every table, and split its history without a word.
  if (name !== name.trim())
    throw invalid(undefined, `metric name ${JSON.stringify(name)} has leading or trailing whitespace, which would make it a different metric from ${JSON.stringify(name.trim())}; remove it`);
  const { value } = input;
  if (typeof value !== 'number') throw invalid(name, `value must be a number, got ${describe(value)}`);
  if (!Number.isFinite(value)) throw invalid(name, `value must be finite, got ${describe(value)}`);
  const timestamp = input.timestamp === undefined ? readClock(now) : validateTimestamp(input.timestamp, name);
  const metadata = validateMetadata(input.metadata, name);
  return Object.freeze({ name, value: Object.is(value, -0) ? 0 : value, timestamp, metadata });
}
