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
 * One `JSON.stringify` of a fresh object is about twice as fast as concatenating per-field strings.
 */
export function recordLine(r: MetricRecord, batch?: string): string {
  return (
    (batch === undefined
      ? JSON.stringify({ name: r.name, value: r.value, timestamp: r.timestamp, metadata: r.metadata })
      : JSON.stringify({ name: r.name, value: r.value, timestamp: r.timestamp, metadata: r.metadata, batch })) + '\n'
  );
}

/**
 * The bytes of one `append` call: a single record as is, several tagged `"batch":"<id>/<count>"`.
 * Encoded in 64 KB pieces: one huge concatenated string is slower to flatten and encode.
 */
export function batchBytes(records: readonly MetricRecord[]): Buffer {
  if (records.length === 1) return Buffer.from(recordLine(records[0]!), 'utf8');
  // 64 random bits: two concurrent batches never share an id in practice.
  const id = `${randomBytes(8).toString('hex')}/${records.length}`;
  const pieces: Buffer[] = [];
  let text = '';
  for (const r of records) {
    text += recordLine(r, id);
    if (text.length > 65_536) {
      pieces.push(Buffer.from(text, 'utf8'));
      text = '';
    }
  }
  pieces.push(Buffer.from(text, 'utf8'));
  return pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces);
}
