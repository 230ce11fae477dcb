import type { MetricRecord, MetricRecordInput } from '@autodev/learning';
import { assertNotFuture } from '../args.js';
import type { CommandContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { readInput } from '../internal/read-input.js';
import { recordMetadata, recordTime, writeRecords, type WriteOptions } from '../internal/records.js';
import { createProgress } from '../output/progress.js';
import { parseCoverage } from '../parsers/coverage.js';
import { parseEslint } from '../parsers/eslint.js';
import { assertTotals, parseJUnit, type JUnitSuite } from '../parsers/junit.js';
import { parseMonitorSnapshot } from '../parsers/monitor.js';
import { badReport, parseJsonReport } from '../parsers/text.js';

/** Options of `autodev import junit`. */
export interface ImportJunitOptions extends WriteOptions {
  perSuite?: boolean;
}

/** Options of `autodev import monitor`. */
export interface ImportMonitorOptions extends WriteOptions {
  prefix?: string;
  countPrefix?: string;
  errorPrefix?: string;
}

const withJson = (ctx: CommandContext, opts: WriteOptions): WriteOptions => ({ ...opts, json: ctx.options.json });

/**
 * `autodev import junit <files...>`: one run's totals (several files are summed: Surefire writes one
 * per class) → `test_duration` (seconds), `tests`, `failures`, `errors`, `skipped`; with
 * `--per-suite` also `test_duration_suite` per suite (metadata `suite`).
 * @throws {CliError} FILE_NOT_FOUND / BAD_INPUT naming the file (and line) that is wrong; nothing is written.
 */
export async function importJunitCommand(ctx: CommandContext, files: readonly string[], opts: ImportJunitOptions): Promise<number> {
  const suites: JUnitSuite[] = [];
  let time = 0, tests = 0, failures = 0, errors = 0, skipped = 0;
  const progress = createProgress('parsing JUnit reports', files.length, { enabled: files.length > 20 && !ctx.options.quiet && process.stderr.isTTY === true });
  for (const [i, file] of files.entries()) {
    const report = parseJUnit(await readInput(ctx, file, 'JUnit report'), file);
    suites.push(...report.suites);
    time += report.time;
    tests += report.tests;
    failures += report.failures;
    errors += report.errors;
    skipped += report.skipped;
    progress.update(i + 1);
  }
  progress.done();
  // Every file's totals are fine; their sum may not be (two reports of time="1e308").
  if (files.length > 1) assertTotals({ time, tests, failures, errors, skipped }, files.join(', '));
  const at = recordTime(opts);
  const metadata = recordMetadata(ctx, opts);
  const records: MetricRecordInput[] = [
    { name: 'test_duration', value: time, timestamp: at, metadata },
    { name: 'tests', value: tests, timestamp: at, metadata },
    { name: 'failures', value: failures, timestamp: at, metadata },
    { name: 'errors', value: errors, timestamp: at, metadata },
    { name: 'skipped', value: skipped, timestamp: at, metadata },
  ];
  if (opts.perSuite) for (const s of suites) records.push({ name: 'test_duration_suite', value: s.time, timestamp: at, metadata: { ...metadata, suite: s.name } });
  await writeRecords(ctx, records, withJson(ctx, opts));
  return ExitCode.OK;
}

/**
 * `autodev import coverage <file>`: lcov.info or coverage-summary.json → `coverage_percent` (lines),
 * `coverage_branches_percent`, `coverage_functions_percent` (and `coverage_statements_percent` from a
 * summary); a kind the report does not measure is not recorded.
 * @throws {CliError} FILE_NOT_FOUND / BAD_INPUT naming the file and line; nothing is written.
 */
export async function importCoverageCommand(ctx: CommandContext, file: string, opts: WriteOptions): Promise<number> {
  const cov = parseCoverage(await readInput(ctx, file, 'coverage report'), file);
  const at = recordTime(opts);
  const metadata = recordMetadata(ctx, opts);
  const records: MetricRecordInput[] = [];
  const add = (name: string, v: number | undefined) => {
    if (v !== undefined) records.push({ name, value: Math.round(v * 1e4) / 1e4, timestamp: at, metadata });
  };
  add('coverage_percent', cov.lines ?? cov.statements);
  add('coverage_branches_percent', cov.branches);
  add('coverage_functions_percent', cov.functions);
  add('coverage_statements_percent', cov.statements);
  if (records.length === 0) throw new CliError('BAD_INPUT', `${file}: the report covers no lines, branches or functions (0 of 0); nothing to record`, { hint: 'check the coverage include/exclude settings of the test runner' });
  await writeRecords(ctx, records, withJson(ctx, opts));
  return ExitCode.OK;
}

/**
 * `autodev import eslint <file>`: ESLint JSON → `lint_errors`, `lint_warnings`.
 * @throws {CliError} FILE_NOT_FOUND / BAD_INPUT naming the file; nothing is written.
 */
export async function importEslintCommand(ctx: CommandContext, file: string, opts: WriteOptions): Promise<number> {
  const lint = parseEslint(await readInput(ctx, file, 'ESLint report'), file);
  const at = recordTime(opts);
  const metadata = recordMetadata(ctx, opts);
  await writeRecords(
    ctx,
    [
      { name: 'lint_errors', value: lint.errors, timestamp: at, metadata },
      { name: 'lint_warnings', value: lint.warnings, timestamp: at, metadata },
    ],
    withJson(ctx, opts),
  );
  return ExitCode.OK;
}

/**
 * `autodev import monitor <snapshot.json>`: a `PerformanceMonitor.snapshot()` → per operation
 * `<prefix><op>_p50`, `_p95`, `_p99` (seconds), `api_calls_<op>` (samples) and `api_errors_<op>`
 * (failed calls). Counts get their own prefix so that the latency polarity (lower is better) does not
 * apply to them.
 * @throws {CliError} FILE_NOT_FOUND / BAD_INPUT naming the file; nothing is written.
 */
export async function importMonitorCommand(ctx: CommandContext, file: string, opts: ImportMonitorOptions): Promise<number> {
  const ops = await parseMonitorSnapshot(await readInput(ctx, file, 'monitor snapshot'), file);
  const prefix = opts.prefix ?? 'api_latency_';
  const at = recordTime(opts);
  const metadata = recordMetadata(ctx, opts);
  const records: MetricRecordInput[] = [];
  for (const op of ops) {
    const base = `${prefix}${op.metricSuffix}`;
    records.push(
      { name: `${base}_p50`, value: op.p50, timestamp: at, metadata },
      { name: `${base}_p95`, value: op.p95, timestamp: at, metadata },
      { name: `${base}_p99`, value: op.p99, timestamp: at, metadata },
      { name: `${opts.countPrefix ?? 'api_calls_'}${op.metricSuffix}`, value: op.count, timestamp: at, metadata },
      { name: `${opts.errorPrefix ?? 'api_errors_'}${op.metricSuffix}`, value: op.errors, timestamp: at, metadata },
    );
  }
  if (records.length === 0) throw new CliError('BAD_INPUT', `${file}: the snapshot holds no operation with samples; nothing to record`, { hint: 'write the snapshot after the monitored code ran (monitor.snapshot())' });
  await writeRecords(ctx, records, withJson(ctx, opts));
  return ExitCode.OK;
}

/**
 * Records as `autodev export --format jsonl` (one JSON record per line) or `--format json` (an array) writes
 * them: `{ name, value, timestamp, metadata? }`. Every record must carry its timestamp: an import moves history,
 * and "now" would put a whole history at one instant.
 * @throws {CliError} BAD_INPUT naming the file and line (or array index) of the first bad record.
 */
export async function parseRecordsFile(text: string, file: string, now = Date.now()): Promise<MetricRecordInput[]> {
  const { validateRecord } = await import('@autodev/learning');
  const check = (where: string, value: unknown): MetricRecordInput => {
    // The header line of a file store (`.autodev/metrics.jsonl`): the user passed the store itself, not an export.
    if (typeof value === 'object' && value !== null && (value as { format?: unknown }).format === 'autodev-metrics')
      throw badReport(
        `${where}: this is the header of an autodev file store, not an exported record`,
        `export the store first: autodev export --format jsonl --store ${JSON.stringify(file)} > records.jsonl, then import records.jsonl; nothing was written`,
      );
    if (typeof value !== 'object' || value === null || Array.isArray(value) || (value as { timestamp?: unknown }).timestamp === undefined)
      throw badReport(`${where}: expected a record { name, value, timestamp, metadata? }, got ${JSON.stringify(value)?.slice(0, 80)}`, 'every record needs its timestamp (epoch ms); nothing was written');
    let record: MetricRecord;
    try {
      record = validateRecord(value as MetricRecordInput);
    } catch (e) {
      throw badReport(`${where}: ${(e as Error).message}`, 'fix or remove that record; nothing was written', e);
    }
    // A record dated in the future would stay the newest run of its metric in the target store (see assertNotFuture).
    assertNotFuture(`${where}: timestamp`, record.timestamp, now, 'BAD_INPUT');
    return record;
  };
  if (text.trimStart().startsWith('[')) {
    const parsed = parseJsonReport(text, file, 'pass the output of autodev export --format json or --format jsonl; nothing was written') as unknown[];
    return parsed.map((value, i) => check(`${file}: record ${i + 1}`, value));
  }
  // JSON Lines: the first bad line in file order is the one reported.
  const out: MetricRecordInput[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (e) {
      throw badReport(
        `${file}:${i + 1}: not a JSON record: ${(e as Error).message}`,
        'pass the output of autodev export --format jsonl (one record per line) or --format json; nothing was written',
        e,
      );
    }
    out.push(check(`${file}:${i + 1}`, value));
  }
  return out;
}

/**
 * `autodev import records <file>`: records written by `autodev export --format jsonl|json` into the store, with
 * their own names, values, timestamps and metadata, e.g. to move a history from the file store to SQLite or
 * PostgreSQL. All or nothing: a bad record anywhere stops the import before anything is written. Importing the
 * same file twice stores its records twice.
 * @throws {CliError} FILE_NOT_FOUND / BAD_INPUT naming the file and line.
 */
export async function importRecordsCommand(ctx: CommandContext, file: string, opts: WriteOptions): Promise<number> {
  const records = await parseRecordsFile(await readInput(ctx, file, 'records file'), file);
  if (records.length === 0) throw new CliError('BAD_INPUT', `${file}: holds no records; nothing to import`, { hint: 'pass the output of autodev export --format jsonl' });
  await writeRecords(ctx, records, withJson(ctx, opts));
  return ExitCode.OK;
}
