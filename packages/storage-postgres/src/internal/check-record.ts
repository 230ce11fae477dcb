import { LearningError, type MetricRecord } from '@autodev/learning';
import { encodeJson, encodeText } from './text-codec.js';

/** One append's columns, ready to bind to the `unnest` INSERT. */
export interface EncodedRows {
  names: string[];
  values: number[];
  timestamps: number[];
  metadata: string[];
}

/**
 * Checks and encodes the records of one `append`, at the moment `append` is called.
 *
 * At call time, because appends run one after another: the records are read only when the earlier ones are
 * done, and a caller that reuses its array meanwhile (`store.append(buffer); buffer.length = 0`) had an
 * append that resolved having stored nothing.
 *
 * Checked, because `append` is public: `MetricsTracker` validates records before they reach a store, but a
 * direct caller can pass anything, and a NaN value was stored as NaN, metadata that `JSON.stringify` does not
 * turn into an object (an array, a `Date`, anything with `toJSON()`) made every later query meeting the row
 * fail with STORE_CORRUPT, and a wrong type or a `BigInt` surfaced as a misleading STORE_IO.
 * @throws {LearningError} INVALID_RECORD naming the record and what is wrong; nothing is written.
 */
export function encodeRows(records: readonly MetricRecord[]): EncodedRows {
  const rows: EncodedRows = { names: [], values: [], timestamps: [], metadata: [] };
  for (const value of records as readonly unknown[]) {
    if (typeof value !== 'object' || value === null) throw new LearningError('INVALID_RECORD', 'each record must be an object { name, value, timestamp, metadata }');
    const r = value as MetricRecord;
    const bad = (what: string, cause?: unknown) =>
      new LearningError(
        'INVALID_RECORD',
        `record ${typeof r.name === 'string' ? JSON.stringify(r.name) : `with a ${typeof r.name} name`}: ${what}; pass records validated by @autodev/learning (validateRecord). Nothing of this append was written`,
        cause === undefined ? undefined : { cause },
      );
    if (typeof r.name !== 'string' || r.name === '') throw bad('name must be a non-empty string');
    if (typeof r.value !== 'number' || !Number.isFinite(r.value)) throw bad('value must be a finite number');
    if (typeof r.timestamp !== 'number' || !Number.isFinite(r.timestamp)) throw bad('timestamp must be epoch milliseconds (a finite number)');
    const m = r.metadata as unknown;
    if (typeof m !== 'object' || m === null || Array.isArray(m) || typeof (m as { toJSON?: unknown }).toJSON === 'function')
      throw bad('metadata must be a plain JSON object such as { branch: "main" }');
    let text: string;
    try {
      text = JSON.stringify(encodeJson(r.metadata));
    } catch (e) {
      // A BigInt (TypeError) or a cycle (RangeError from encodeJson's recursion).
      throw bad(`metadata is not JSON (${e instanceof Error ? e.message : String(e)})`, e);
    }
    rows.names.push(encodeText(r.name));
    rows.values.push(r.value);
    rows.timestamps.push(r.timestamp);
    rows.metadata.push(text);
  }
  return rows;
}
