import { LearningError, type MetricRecord } from '@autodev/learning';

/**
 * Checks one record handed to `append` and returns its metadata as JSON text.
 *
 * `MetricsTracker` validates records before they reach a store, but `append` is public and a direct caller can
 * pass anything. SQLite's flexible typing would store it: a text `value`, or metadata that `JSON.stringify`
 * does not turn into an object (an array, a `Date`, anything with `toJSON()`), is written without complaint
 * and then makes every later query that meets the row fail with STORE_CORRUPT. A `BigInt` or a cycle in
 * metadata used to surface as a misleading STORE_IO. These few checks reject such records instead.
 * @throws {LearningError} INVALID_RECORD naming the record and what is wrong.
 */
export function metadataTextOf(value: unknown): string {
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
  try {
    return JSON.stringify(m);
  } catch (e) {
    // A BigInt or a cycle.
    throw bad(`metadata is not JSON (${e instanceof Error ? e.message : String(e)})`, e);
  }
}
