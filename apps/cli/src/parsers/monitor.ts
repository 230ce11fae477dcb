import { badReport, parseJsonReport } from './text.js';

const WRITE_IT = 'write it with writeFileSync(file, JSON.stringify(monitor.snapshot()))';

/** One operation of a PerformanceMonitor snapshot, as recorded by `autodev import monitor`. */
export interface MonitorOperation {
  /** The operation name as the monitor knows it. */
  readonly name: string;
  /** The name made safe for a metric (`GET /users` → `get_users`). */
  readonly metricSuffix: string;
  readonly count: number;
  /** Calls that threw or rejected (timed records them apart). */
  readonly errors: number;
  /** Seconds. */
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** `GET /users/:id` → `get_users_id`: lower case, runs of other characters become one `_`. */
export function metricSuffix(name: string): string {
  const s = name.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  return s === '' ? 'operation' : s;
}

/**
 * Reads a `PerformanceMonitor.snapshot()` written as JSON, by merging it into an isolated monitor of
 * `@autodev/performance` (so the quantiles are the monitor's own, within its stated error).
 * @throws {CliError} BAD_INPUT naming the file when it is not JSON or not a snapshot.
 */
export async function parseMonitorSnapshot(text: string, file: string): Promise<MonitorOperation[]> {
  if (text.trim() === '')
    throw badReport(`${file}: the file is empty, not a PerformanceMonitor snapshot`, WRITE_IT);
  const doc = parseJsonReport(text, file, WRITE_IT);
  const { PerformanceMonitor } = await import('@autodev/performance');
  const monitor = PerformanceMonitor.isolated();
  try {
    monitor.merge(doc as Parameters<typeof monitor.merge>[0]);
  } catch (e) {
    throw badReport(`${file}: not a PerformanceMonitor snapshot: ${(e as Error).message}`, 'pass the JSON of monitor.snapshot() from @autodev/performance', e);
  }
  const out: MonitorOperation[] = [];
  const seen = new Map<string, string>();
  for (const name of monitor.names()) {
    const s = monitor.getStats(name);
    if (!s || s.count === 0) continue;
    const suffix = metricSuffix(name);
    const clash = seen.get(suffix);
    if (clash !== undefined)
      throw badReport(`${file}: operations ${JSON.stringify(clash)} and ${JSON.stringify(name)} both map to the metric suffix "${suffix}"`, 'rename one of the two operations where they are timed, then write the snapshot again');
    seen.set(suffix, name);
    out.push({ name, metricSuffix: suffix, count: s.count, errors: s.errors, p50: s.p50, p95: s.p95, p99: s.p99 });
  }
  return out;
}
