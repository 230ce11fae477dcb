import { assertStorableRecord, LearningError, type MetricRecord } from '@autodev/learning';
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
 * Checked, because `append` is public (assertStorableRecord): a NaN value was stored as NaN, metadata that JSON
 * does not turn into an object (an array, a `Date`, anything with `toJSON()`) made every later query meeting
 * the row fail with STORE_CORRUPT, and a wrong type or a `BigInt` surfaced as a misleading STORE_IO.
 * @throws {LearningError} INVALID_RECORD naming the record and what is wrong; nothing is written.
 */
export function encodeRows(records: readonly MetricRecord[]): EncodedRows {
  const rows: EncodedRows = { names: [], values: [], timestamps: [], metadata: [] };
  for (const r of records as readonly unknown[]) {
    assertStorableRecord(r);
    let text: string;
    try {
      text = JSON.stringify(encodeJson(r.metadata));
    } catch (e) {
      // A BigInt (TypeError) or a cycle (RangeError from encodeJson's recursion).
      throw new LearningError('INVALID_RECORD', `record ${JSON.stringify(r.name)}: metadata is not JSON (${e instanceof Error ? e.message : String(e)}); pass records validated by @autodev/learning (validateRecord). Nothing of this append was written`, { cause: e });
    }
    rows.names.push(encodeText(r.name));
    rows.values.push(r.value);
    rows.timestamps.push(r.timestamp);
    rows.metadata.push(text);
  }
  return rows;
}
