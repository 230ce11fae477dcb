import { LearningError } from './errors.js';
import { rejectUnknownKeys } from './options.js';
import { MAX_METADATA_DEPTH, MAX_TIMESTAMP_MS, type JsonValue, type MetricRecord } from './record.js';

/**
 * Which records to read back. Every field is optional; all given fields must match.
 * Results are ordered by timestamp, ties in insertion order (`order: 'desc'` reverses both).
 */
export interface MetricQuery {
  /** Only records of this metric. */
  name?: string;
  /** Only records with `timestamp >= from` (epoch milliseconds, inclusive). */
  from?: number;
  /** Only records with `timestamp < to` (epoch milliseconds, exclusive). */
  to?: number;
  /**
   * Metadata equality: every key must be present on the record with a deeply equal JSON value.
   * `{ branch: 'main' }` keeps records whose `metadata.branch === 'main'`.
   */
  where?: { readonly [key: string]: JsonValue };
  /** `'asc'` (oldest first, the default) or `'desc'` (newest first). */
  order?: 'asc' | 'desc';
  /** At most this many records, taken after ordering: `{ order: 'desc', limit: 10 }` is the newest ten. */
  limit?: number;
}

/**
 * Persistence for `MetricsTracker`. A backend implements this and nothing else; validation happens
 * above it, so a backend only ever sees valid, frozen records.
 *
 * The contract (pinned by `describeMetricStoreContract` in `@autodev/learning/testing`):
 * - `append` is all-or-nothing per call and durable when it resolves: a new store opened on the same
 *   location returns the records.
 * - `query` returns records ordered by timestamp, ties in insertion (append) order.
 * - `names` returns the distinct metric names, sorted by code unit (`Array.prototype.sort`).
 * - After `close()` (idempotent) every other method rejects with `STORE_CLOSED`.
 */
export interface MetricStore {
  append(records: readonly MetricRecord[]): Promise<void>;
  query(query?: MetricQuery): Promise<MetricRecord[]>;
  names(): Promise<string[]>;
  close(): Promise<void>;
}

const QUERY_FIELDS = ['name', 'from', 'to', 'where', 'order', 'limit'] as const satisfies ReadonlyArray<keyof MetricQuery>;

/**
 * Checks a query's fields and returns it.
 * @throws {LearningError} INVALID_ARGUMENT when a field is unknown (with a did-you-mean) or has the wrong type or range.
 */
export function validateQuery(query: MetricQuery | undefined): MetricQuery {
  if (query === undefined) return {};
  if (typeof query !== 'object' || query === null) throw new LearningError('INVALID_ARGUMENT', 'query must be an object');
  const bad = (what: string) => new LearningError('INVALID_ARGUMENT', `query.${what}`);
  // An unknown field would otherwise be no filter at all: { nmae: 'build_time' } returned every record.
  rejectUnknownKeys('query', query, QUERY_FIELDS, { noun: 'field' });
  if (query.name !== undefined && typeof query.name !== 'string') throw bad('name must be a string');
  if (query.from !== undefined && !Number.isFinite(query.from)) throw bad(`from must be epoch milliseconds, got ${String(query.from)}`);
  if (query.to !== undefined && !Number.isFinite(query.to)) throw bad(`to must be epoch milliseconds, got ${String(query.to)}`);
  if (query.order !== undefined && query.order !== 'asc' && query.order !== 'desc') throw bad(`order must be "asc" or "desc", got ${String(query.order)}`);
  if (query.limit !== undefined && !(Number.isInteger(query.limit) && query.limit >= 0)) throw bad(`limit must be a whole number >= 0, got ${String(query.limit)}`);
  if (query.where !== undefined) {
    if (typeof query.where !== 'object' || query.where === null || Array.isArray(query.where)) throw bad('where must be an object of metadata key/value pairs');
    for (const [key, value] of Object.entries(query.where)) checkWhereValue(value, `where.${key}`, 0);
  }
  return query;
}

/**
 * A `where` value must be a JSON value as metadata stores it. Anything else was answered differently by each
 * backend: `{ branch: undefined }` matched nothing in memory but every record over HTTP (JSON drops the key), and
 * `NaN` or a `Date` matched nothing in memory but `null` or the ISO string in a JSON-based store.
 */
function checkWhereValue(v: unknown, path: string, depth: number): void {
  const bad = (what: string) => new LearningError('INVALID_ARGUMENT', `query.${path} ${what}`);
  if (v === undefined) throw bad('is undefined: leave the key out to match any value, or pass null to match records where it is null');
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw bad(`must be a finite number, got ${String(v)} (metadata never holds it, so nothing could match)`);
    return;
  }
  if (typeof v !== 'object') throw bad(`must be a JSON value (string, number, boolean, null, array or plain object), got ${typeof v}`);
  if (depth >= MAX_METADATA_DEPTH) throw bad(`nests deeper than ${MAX_METADATA_DEPTH} levels (or is circular); metadata never does, so nothing could match`);
  if (Array.isArray(v)) {
    // An index loop, not forEach: a hole must be refused like undefined (forEach skips it, JSON makes it null).
    for (let i = 0; i < v.length; i++) checkWhereValue(v[i] as unknown, `${path}[${i}]`, depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) {
    const type = (v.constructor as { name?: string } | undefined)?.name ?? 'an object';
    throw bad(`must be a JSON value as stored in metadata, got ${type}${v instanceof Date ? '; compare with its toISOString()' : ''}`);
  }
  for (const [key, item] of Object.entries(v)) checkWhereValue(item, `${path}.${key}`, depth + 1);
}

/**
 * For storage backends: checks one record handed to `append` before anything is written. `MetricsTracker`
 * validates records before they reach a store, but `append` is public and a direct caller can pass anything;
 * what a backend would store without complaint (a text value, a NaN, metadata that JSON turns into something
 * other than an object — an array, a `Date`, anything with `toJSON()`) breaks every later read of the row.
 * The checks are shallow, so they cost little per record: a `BigInt` or a cycle deep in metadata is left to the
 * backend's own `JSON.stringify`, whose TypeError it reports as INVALID_RECORD too.
 * @throws {LearningError} INVALID_RECORD naming the record and what is wrong.
 * @example
 * async append(records) {
 *   for (const r of records) assertStorableRecord(r); // before the first write: all or nothing
 *   ...
 * }
 */
export function assertStorableRecord(value: unknown): asserts value is MetricRecord {
  if (typeof value !== 'object' || value === null) throw new LearningError('INVALID_RECORD', 'each record must be an object { name, value, timestamp, metadata }');
  const r = value as Partial<Record<keyof MetricRecord, unknown>>;
  const bad = (what: string) =>
    new LearningError(
      'INVALID_RECORD',
      `record ${typeof r.name === 'string' ? JSON.stringify(r.name) : `with a ${typeof r.name} name`}: ${what}; pass records validated by @autodev/learning (validateRecord). Nothing of this append was written`,
    );
  if (typeof r.name !== 'string' || r.name === '') throw bad('name must be a non-empty string');
  if (typeof r.value !== 'number' || !Number.isFinite(r.value)) throw bad('value must be a finite number');
  if (typeof r.timestamp !== 'number' || !(Math.abs(r.timestamp) <= MAX_TIMESTAMP_MS)) throw bad('timestamp must be epoch milliseconds (a finite number within ±8.64e15)');
  const m = r.metadata;
  if (typeof m !== 'object' || m === null || Array.isArray(m) || typeof (m as { toJSON?: unknown }).toJSON === 'function')
    throw bad('metadata must be a plain JSON object such as { branch: "main" }, not an array, a Date or an object with toJSON()');
}

/**
 * The second argument of a storage plugin's `openStore(url, options)`: what the `autodev` CLI asks of a store
 * it opens by URL. A plugin declares the keys it understands in its `OPEN_STORE_OPTIONS` export; the CLI passes
 * this argument only to plugins that do.
 */
export interface OpenStoreOptions {
  /**
   * Create and change nothing (no file, folder, schema, table or migration). Where no store exists yet, return
   * one that answers empty, refuses `append` and has `exists: false` ({@link createMissingStore}). The CLI sets it
   * for its read-only commands.
   */
  readOnly?: boolean;
}

/**
 * For storage backends opened read-only where nothing exists yet: a store that answers empty, holds nothing,
 * refuses `append` with STORE_IO, and has `exists: false`, so that a caller (the `autodev` CLI) can say "no store
 * yet" instead of creating one on a typo. `what` names the location in messages (`the SQLite store ci.db`).
 * @example
 * if (options.readOnly && !existsSync(path)) return { ...createMissingStore(`the SQLite store ${path}`), path };
 */
export function createMissingStore(what: string): MetricStore & { readonly exists: false } {
  let closed = false;
  // What f throws becomes the rejection (an executor that throws rejects its promise).
  const run = <T>(f: () => T) =>
    new Promise<T>((resolve) => {
      if (closed) throw new LearningError('STORE_CLOSED', `${what} is closed; open it again`);
      resolve(f());
    });
  return {
    exists: false,
    append: () =>
      run(() => {
        throw new LearningError('STORE_IO', `${what} was opened read-only and does not exist yet; open it without readOnly to append records`);
      }),
    query: (query?: MetricQuery) => run(() => (validateQuery(query), [])),
    names: () => run(() => []),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  };
}

/** Deep equality of JSON values (key order ignored). */
export function jsonEqual(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  const ao = a as { [k: string]: JsonValue };
  const bo = b as { [k: string]: JsonValue };
  const keys = Object.keys(ao);
  if (keys.length !== Object.keys(bo).length) return false;
  return keys.every((k) => Object.hasOwn(bo, k) && jsonEqual(ao[k], bo[k]));
}

/** True when `record` satisfies the filters of `query` (name, from, to, where); ignores order and limit. */
export function matchesQuery(record: MetricRecord, query: MetricQuery): boolean {
  if (query.name !== undefined && record.name !== query.name) return false;
  if (query.from !== undefined && record.timestamp < query.from) return false;
  if (query.to !== undefined && record.timestamp >= query.to) return false;
  if (query.where !== undefined) {
    for (const [k, v] of Object.entries(query.where)) {
      if (!Object.hasOwn(record.metadata, k) || !jsonEqual(record.metadata[k], v)) return false;
    }
  }
  return true;
}

/**
 * Applies a whole query to records given in insertion order: filter, stable sort by timestamp,
 * order, limit. Backends that keep records in memory use it so they all answer alike.
 */
export function runQuery(recordsInInsertionOrder: Iterable<MetricRecord>, query: MetricQuery = {}): MetricRecord[] {
  const out: MetricRecord[] = [];
  let sorted = true;
  let last = -Infinity;
  for (const r of recordsInInsertionOrder) {
    if (!matchesQuery(r, query)) continue;
    if (r.timestamp < last) sorted = false;
    last = r.timestamp;
    out.push(r);
  }
  // Array.prototype.sort is stable (ES2019), so ties keep insertion order.
  if (!sorted) out.sort((a, b) => a.timestamp - b.timestamp);
  if (query.order === 'desc') out.reverse();
  if (query.limit !== undefined && out.length > query.limit) out.length = query.limit;
  return out;
}
