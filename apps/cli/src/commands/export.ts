import { createWriteStream, type WriteStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import type { MetricQuery, MetricRecord } from '@autodev/learning';
import { parsePairs } from '../args.js';
import { parseTime } from '../time-args.js';
import type { CommandContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';

/** Options of `autodev export`. */
export interface ExportOptions {
  format?: 'csv' | 'json' | 'jsonl' | 'prometheus';
  metric?: string[];
  where?: string[];
  from?: string;
  to?: string;
  output?: string;
  /** Prometheus only: metadata keys that become labels, comma-separated. */
  labels?: string;
}

/** RFC 4180 CSV field: quoted when it holds a comma, quote or line break. */
export function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A Prometheus metric or label name: `[a-zA-Z_:][a-zA-Z0-9_:]*` (labels without `:`). */
export function promName(s: string, label = false): string {
  const out = s.replace(label ? /[^a-zA-Z0-9_]/g : /[^a-zA-Z0-9_:]/g, '_');
  return /^[0-9]/.test(out) ? `_${out}` : out === '' ? '_' : out;
}

const promEscape = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/**
 * Metadata keys left out of Prometheus labels by default: `commit` is different on every run, so as a label it
 * would make one series per commit (unbounded cardinality) instead of the newest value per series.
 */
const PER_RUN_KEYS: ReadonlySet<string> = new Set(['commit']);

/**
 * The Prometheus text exposition format (0.0.4): one gauge family per metric, one series per
 * distinct set of label values, holding the newest value with its timestamp in ms. Labels are the scalar
 * metadata keys in `labelKeys` (default: every scalar key but `commit`); nested values are left out.
 * @throws {CliError} BAD_ARGUMENT when two metric names become the same Prometheus name (`api.latency` and
 *   `api_latency`): merging them would silently drop one.
 * @see https://prometheus.io/docs/instrumenting/exposition_formats/
 */
export function toPrometheus(records: readonly MetricRecord[], labelKeys?: ReadonlySet<string>): string {
  const families = new Map<string, Map<string, MetricRecord>>();
  const sources = new Map<string, Set<string>>();
  for (const r of records) {
    const name = promName(r.name);
    let from = sources.get(name);
    if (!from) sources.set(name, (from = new Set()));
    from.add(r.name);
    let series = families.get(name);
    if (!series) families.set(name, (series = new Map<string, MetricRecord>()));
    const labels = Object.entries(r.metadata)
      .filter(([k, v]) => v !== null && typeof v !== 'object' && (labelKeys ? labelKeys.has(k) : !PER_RUN_KEYS.has(k)))
      .map(([k, v]) => [promName(k, true), typeof v === 'string' ? v : JSON.stringify(v)] as const)
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
    const key = labels.map(([k, v]) => `${k}="${promEscape(v)}"`).join(',');
    const prev = series.get(key);
    if (!prev || r.timestamp >= prev.timestamp) series.set(key, r);
  }
  for (const [name, from] of sources) {
    if (from.size > 1)
      throw new CliError('BAD_ARGUMENT', `metrics ${[...from].map((n) => JSON.stringify(n)).join(', ')} all become ${name} in Prometheus, which would merge them`, {
        hint: 'export them one at a time with --metric, or record them under names that differ in letters, digits or underscores',
      });
  }
  const lines: string[] = [];
  for (const [name, series] of [...families].sort(([a], [b]) => (a < b ? -1 : 1))) {
    lines.push(`# HELP ${name} newest value of ${name} recorded by autodev`, `# TYPE ${name} gauge`);
    for (const [key, r] of series) lines.push(`${name}${key === '' ? '' : `{${key}}`} ${String(r.value)} ${Math.round(r.timestamp)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Opens `--output` for writing. `once(stream, 'open')` rejects with the stream's own error when it fails, so the
 * error is turned into a CliError here (a bare ENOENT was reported as a possible bug in autodev).
 * @throws {CliError} BAD_ARGUMENT naming the path and what to do: a missing folder, a folder, no permission.
 */
async function openOutput(path: string): Promise<WriteStream> {
  const out = createWriteStream(path);
  try {
    await once(out, 'open');
    return out;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const folder = dirname(path);
    const hint =
      code === 'ENOENT'
        ? `the folder ${folder} does not exist: create it first (mkdir -p ${JSON.stringify(folder)}) or pass another path`
        : code === 'EISDIR'
          ? `${path} is a folder: pass a file path such as ${join(path, 'metrics.csv')}`
          : code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
            ? 'pass a path this user may write (check the file and folder permissions)'
            : 'pass another path with --output, or leave it out to write to stdout';
    throw new CliError('BAD_ARGUMENT', `cannot write --output ${path}: ${(e as Error).message}`, { cause: e, hint });
  }
}

/**
 * `autodev export`: records (oldest first) as CSV (`timestamp,time,name,value,metadata`), a JSON
 * array (also `--json`), JSON Lines, or Prometheus text (newest value per series).
 * @throws {CliError} BAD_ARGUMENT for bad --from / --to / --where.
 */
export async function exportCommand(ctx: CommandContext, opts: ExportOptions): Promise<number> {
  const where = parsePairs('--where', opts.where);
  // The global --json asks for JSON on stdout: here that is --format json (it was an unknown option after the
  // command, and silently ignored, CSV, before it).
  if (ctx.options.json) {
    if (opts.format !== undefined && opts.format !== 'json')
      throw new CliError('BAD_ARGUMENT', `--json and --format ${opts.format} ask for two formats`, { hint: `leave out --json for ${opts.format}, or --format for JSON` });
    opts = { ...opts, format: 'json' };
  }
  if (opts.labels !== undefined && opts.format !== 'prometheus') throw new CliError('BAD_ARGUMENT', `--labels applies to --format prometheus only, not ${opts.format ?? 'csv'}`);
  const labelKeys = opts.labels === undefined ? undefined : new Set(opts.labels.split(',').map((k) => k.trim()).filter((k) => k !== ''));
  const query: MetricQuery = {};
  if (Object.keys(where).length > 0) query.where = where;
  if (opts.from !== undefined) query.from = parseTime('--from', opts.from);
  if (opts.to !== undefined) query.to = parseTime('--to', opts.to);
  const store = await ctx.openStore({ readOnly: true });
  let records: MetricRecord[] = [];
  try {
    if (opts.metric && opts.metric.length > 0) {
      for (const name of opts.metric) records.push(...(await store.query({ ...query, name })));
      if (opts.metric.length > 1) records.sort((a, b) => a.timestamp - b.timestamp);
    } else records = await store.query(query);
  } finally {
    await store.close();
  }
  const format = opts.format ?? 'csv';
  const out: NodeJS.WritableStream = opts.output ? await openOutput(opts.output) : ctx.streams.stdout;
  // A write that fails (a full disk) emits 'error' when nothing may be listening: without this listener that was an
  // uncaught exception with a stack trace and exit code 1, which CI reads as a failed check. Reported as exit 2.
  let writeError: Error | undefined;
  const onError = (e: Error) => void (writeError ??= e);
  out.on('error', onError);
  // Written in chunks with back-pressure: a million records must not become one giant string.
  let buf = '';
  const flush = async (force = false) => {
    if (writeError) throw writeError;
    if (buf.length < 1 << 16 && !force) return;
    if (!out.write(buf)) await once(out, 'drain');
    buf = '';
  };
  if (format === 'prometheus') buf = toPrometheus(records, labelKeys);
  else if (format === 'csv') {
    buf = 'timestamp,time,name,value,metadata\n';
    for (const r of records) {
      buf += `${r.timestamp},${new Date(r.timestamp).toISOString()},${csvField(r.name)},${r.value},${csvField(JSON.stringify(r.metadata))}\n`;
      await flush();
    }
  } else if (format === 'jsonl') {
    for (const r of records) {
      buf += JSON.stringify(r) + '\n';
      await flush();
    }
  } else {
    buf = '[';
    for (const [i, r] of records.entries()) {
      buf += (i === 0 ? '\n  ' : ',\n  ') + JSON.stringify(r);
      await flush();
    }
    buf += records.length > 0 ? '\n]\n' : ']\n';
  }
  await flush(true);
  if (opts.output) {
    out.end();
    if (!writeError) await once(out, 'finish');
    if (writeError) throw writeError;
    ctx.note(`wrote ${records.length} record${records.length === 1 ? '' : 's'} to ${opts.output}`);
  }
  out.off('error', onError);
  if (writeError) throw writeError;
  return ExitCode.OK;
}
