import type { Metadata, MetricRecord, MetricRecordInput, MetricStore } from '@autodev/learning';
import { assertNotFuture, parsePairs, ciMetadata } from '../args.js';
import { parseTime } from '../time-args.js';
import type { CommandContext } from '../context.js';
import { formatNumber } from '../output/format.js';

/** Options shared by every command that writes records. */
export interface WriteOptions {
  meta?: string[];
  at?: string;
  ciMeta?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

/** The metadata for new records: CI branch/commit (unless --no-ci-meta), then `extra`, then --meta (wins). */
export function recordMetadata(ctx: CommandContext, opts: WriteOptions, extra: Metadata = {}): Metadata {
  return { ...(opts.ciMeta === false ? {} : ciMetadata(ctx.env)), ...extra, ...parsePairs('--meta', opts.meta) };
}

/**
 * The timestamp for new records: --at, or now.
 * @throws {CliError} BAD_ARGUMENT for a malformed --at, or one in the future (see {@link assertNotFuture}).
 */
export function recordTime(opts: WriteOptions, now = Date.now()): number {
  if (opts.at === undefined) return now;
  const at = parseTime('--at', opts.at);
  assertNotFuture('--at', at, now);
  return at;
}

/**
 * Validates `inputs` (all before writing any, so a bad one writes nothing) and appends them in one
 * batch; with --dry-run only prints them. Prints what was recorded (JSON with --json).
 * @throws {LearningError} INVALID_RECORD for a bad record (nothing written).
 */
export async function writeRecords(ctx: CommandContext, inputs: readonly MetricRecordInput[], opts: WriteOptions): Promise<MetricRecord[]> {
  const { validateRecord } = await import('@autodev/learning');
  const records = inputs.map((r) => validateRecord(r));
  if (!opts.dryRun && records.length > 0) {
    const store: MetricStore = await ctx.openStore();
    try {
      await store.append(records);
    } finally {
      await store.close();
    }
  }
  if (opts.json) ctx.json(records);
  else {
    const shown = records.slice(0, 8).map((r) => `${r.name}=${formatNumber(r.value, 6)}`);
    const list = shown.join(', ') + (records.length > shown.length ? `, … (${records.length - shown.length} more)` : '');
    const count = `${records.length} value${records.length === 1 ? '' : 's'}`;
    ctx.note(opts.dryRun ? `would record ${count} (dry run, nothing written)${list ? `: ${list}` : ''}` : `recorded ${count} → ${ctx.storeLocation().display}${list ? `: ${list}` : ''}`);
  }
  return records;
}
