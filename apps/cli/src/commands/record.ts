import { parseFiniteNumber } from '../args.js';
import type { CommandContext } from '../context.js';
import { ExitCode } from '../errors.js';
import { recordMetadata, recordTime, writeRecords, type WriteOptions } from '../internal/records.js';

/** Options of `autodev record`. */
export type RecordOptions = WriteOptions;

/**
 * `autodev record <metric> <value>`: appends one record.
 * @throws {CliError} BAD_ARGUMENT for a value that is not a finite number or a bad --meta / --at.
 * @throws {LearningError} INVALID_RECORD for a bad metric name or metadata (nothing written).
 * @example
 * // autodev record test_duration 12.5 --meta suite=integration
 */
export async function recordCommand(ctx: CommandContext, metric: string, value: string, opts: RecordOptions): Promise<number> {
  const v = parseFiniteNumber(`value for ${metric}`, value);
  await writeRecords(ctx, [{ name: metric, value: v, timestamp: recordTime(opts), metadata: recordMetadata(ctx, opts) }], { ...opts, json: ctx.options.json });
  return ExitCode.OK;
}
