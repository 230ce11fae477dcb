import { randomBytes } from 'node:crypto';
import type { MetricRecord } from '@autodev/learning';

/** The `format` field of the header line. */
export const FORMAT_NAME = 'autodev-metrics';
/** The newest format version this package reads and the one it writes. */
export const FORMAT_VERSION = 1;

/** The header: always the first line of a file this package creates. */
export function headerLine(now: Date = new Date()): string {
  return `{"format":"${FORMAT_NAME}","version":${FORMAT_VERSION},"created":${JSON.stringify(now.toISOString())}}\n`;
}

/**
 * One record as one line. Key order is fixed (name, value, timestamp, metadata[, batch]) so the
 * reader's fast path can recognise it without a general JSON parser. `JSON.stringify` of a finite
 * number is its shortest round-tripping decimal form, so values and timestamps read back bit-exact.
 */
export function recordLine(r: MetricRecord, batch?: string): string {
  const meta = JSON.stringify(r.metadata);
  return batch === undefined
    ? `{"name":${JSON.stringify(r.name)},"value":${JSON.stringify(r.value)},"timestamp":${JSON.stringify(r.timestamp)},"metadata":${meta}}\n`
    : `{"name":${JSON.stringify(r.name)},"value":${JSON.stringify(r.value)},"timestamp":${JSON.stringify(r.timestamp)},"metadata":${meta},"batch":"${batch}"}\n`;
}

/** Lines for one `append` call: a single record as is, several tagged `"batch":"<id>/<count>"`. */
export function batchText(records: readonly MetricRecord[]): string {
  if (records.length === 1) return recordLine(records[0]!);
  // 64 random bits: two concurrent batches never share an id in practice.
  const id = `${randomBytes(8).toString('hex')}/${records.length}`;
  let out = '';
  for (const r of records) out += recordLine(r, id);
  return out;
}
