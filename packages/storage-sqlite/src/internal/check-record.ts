import { assertStorableRecord, LearningError } from '@autodev/learning';

/**
 * Checks one record handed to `append` and returns its metadata as JSON text.
 *
 * `append` is public, and SQLite's flexible typing would store what a direct caller passes: a text `value`, or
 * metadata that JSON does not turn into an object, written without complaint, then makes every later query
 * meeting the row fail with STORE_CORRUPT (assertStorableRecord rejects those). A `BigInt` or a cycle deep in
 * metadata is found by JSON.stringify here; it used to surface as a misleading STORE_IO.
 * @throws {LearningError} INVALID_RECORD naming the record and what is wrong.
 */
export function metadataTextOf(value: unknown): string {
  assertStorableRecord(value);
  try {
    return JSON.stringify(value.metadata);
  } catch (e) {
    throw new LearningError('INVALID_RECORD', `record ${JSON.stringify(value.name)}: metadata is not JSON (${e instanceof Error ? e.message : String(e)}); pass records validated by @autodev/learning (validateRecord). Nothing of this append was written`, { cause: e });
  }
}
