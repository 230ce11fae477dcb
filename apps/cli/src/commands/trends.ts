import type { TrendAnalysis } from '@autodev/learning';
import { parseInteger, parsePairs, whereTypeHint } from '../args.js';
import type { CommandContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { openTracker } from '../internal/tracker.js';
import { formatNumber, formatPValue } from '../output/format.js';
import { sparkline } from '../output/sparkline.js';
import { renderTable } from '../output/table.js';

/** Options of `autodev trends`. */
export interface TrendsOptions {
  window?: string;
  where?: string[];
}

/** One row of `autodev trends --json`: `MetricsTracker.analyzeTrends` plus the metric's polarity and newest value. */
export interface TrendRow extends TrendAnalysis {
  polarity: 'lower' | 'higher' | 'neutral';
  latest: number | null;
}

/**
 * `autodev trends [metric...]`: for each metric (default: all), the newest `--window` values
 * analysed by `MetricsTracker.analyzeTrends`: a table with n, latest, mean, median, Theil–Sen slope
 * per run, the Mann–Kendall direction (↑ rising, ↓ falling, → flat at α = 0.05) and its p-value, and a
 * sparkline. Direction arrows are red when the change is bad for the metric's polarity, green when good.
 * @throws {CliError} BAD_ARGUMENT for a bad --window / --where or an unknown metric.
 */
export async function trendsCommand(ctx: CommandContext, metrics: readonly string[], opts: TrendsOptions): Promise<number> {
  const windowSize = parseInteger('--window', opts.window ?? '30', 2);
  const where = parsePairs('--where', opts.where);
  const hasWhere = Object.keys(where).length > 0;
  const { polarityOf, judgeChange } = await import('@autodev/learning');
  const t = await openTracker(ctx);
  const rows: TrendRow[] = [];
  try {
    const known = await t.store.names();
    const names = metrics.length > 0 ? [...metrics] : known.filter((n) => !n.startsWith('autodev.'));
    for (const m of metrics) {
      if (!known.includes(m))
        throw new CliError('BAD_ARGUMENT', `no metric named ${JSON.stringify(m)} in ${ctx.storeLocation().display}`, {
          hint: known.length > 0 ? `known metrics: ${known.slice(0, 20).join(', ')}${known.length > 20 ? ', …' : ''}` : 'the store is empty; record something first',
        });
    }
    for (const name of names) {
      const a = await t.tracker.analyzeTrends(name, hasWhere ? { windowSize, where } : { windowSize });
      if (hasWhere && a.count === 0) continue;
      rows.push({ ...a, metric: name, polarity: polarityOf(name), latest: a.values.length > 0 ? a.values[a.values.length - 1]! : null });
    }
  } finally {
    await t.close();
  }
  if (ctx.options.json) {
    ctx.json(rows);
    return ExitCode.OK;
  }
  if (rows.length === 0) {
    const typeHint = whereTypeHint('--where', where);
    ctx.note(hasWhere ? `no records match the --where filter${typeHint ? ` (${typeHint})` : ''}` : 'no metrics recorded yet');
    return ExitCode.OK;
  }
  const c = ctx.colors;
  const direction = (r: TrendRow): string => {
    if (!r.sufficient) return c.dim(`not enough data${r.reason ? ` (${r.reason})` : ''}`);
    if (r.trendDirection === 0) return '→ flat';
    const judged = judgeChange(r.polarity, r.trendDirection > 0 ? 'increase' : 'decrease');
    const text = r.trendDirection > 0 ? '↑ rising' : '↓ falling';
    return judged === 'worse' ? c.red(text) : judged === 'better' ? c.green(text) : text;
  };
  const table = renderTable(
    ['metric', 'runs', 'latest', 'mean', 'median', 'slope/run', 'trend', 'p', 'history'],
    rows.map((r) => [
      r.metric,
      String(r.count),
      formatNumber(r.latest),
      formatNumber(r.mean),
      formatNumber(r.median),
      r.sufficient ? formatNumber(r.slope) : '–',
      direction(r),
      r.sufficient ? formatPValue(r.pValue) : '–',
      c.cyan(sparkline(r.values)),
    ]),
    ['left', 'right', 'right', 'right', 'right', 'right', 'left', 'right', 'left'],
  );
  ctx.out(table);
  ctx.note(c.dim(`runs: records per metric; latest … history: the newest ${windowSize} values${hasWhere ? ` where ${Object.entries(where).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')}` : ''}; trend: Mann–Kendall at α = 0.05, slope: Theil–Sen`));
  return ExitCode.OK;
}
