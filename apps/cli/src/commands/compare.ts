import type { Comparison } from '@autodev/learning';
import { parsePairs, whereTypeHint } from '../args.js';
import type { CommandContext } from '../context.js';
import { CliError, ExitCode } from '../errors.js';
import { openTracker } from '../internal/tracker.js';
import { formatNumber, formatPercent, formatPValue } from '../output/format.js';

/** Options of `autodev compare`. */
export interface CompareOptions {
  a?: string[];
  b?: string[];
}

/**
 * `autodev compare <metric> --a k=v --b k=v`: the A/B verdict of `MetricsTracker.compare` — the
 * Hodges–Lehmann shift of B − A with its distribution-free interval, the Mann–Whitney p-value, Cliff's
 * delta as effect size and a one-sentence verdict.
 * @throws {CliError} BAD_ARGUMENT when a group is empty or the metric is unknown.
 */
export async function compareCommand(ctx: CommandContext, metric: string, opts: CompareOptions): Promise<number> {
  const a = parsePairs('--a', opts.a);
  const b = parsePairs('--b', opts.b);
  const t = await openTracker(ctx);
  let cmp: Comparison;
  try {
    for (const [flag, where] of [['--a', a], ['--b', b]] as const) {
      const n = (await t.tracker.getMetrics(metric, { where, limit: 1 })).length;
      if (n === 0) {
        const known = await t.store.names();
        throw new CliError('BAD_ARGUMENT', `no ${metric} records match ${flag} ${show(where)} in ${ctx.storeLocation().display}`, {
          hint: known.includes(metric)
            ? (whereTypeHint(flag, where) ?? `check the metadata key and value (e.g. ${flag} branch=main); \`autodev export --metric ${metric} --format jsonl\` shows what is recorded`)
            : `no metric named ${metric}; known: ${known.slice(0, 15).join(', ') || '(none)'}`,
        });
      }
    }
    cmp = await t.tracker.compare(metric, a, b);
  } finally {
    await t.close();
  }
  if (ctx.options.json) {
    ctx.json({ metric, a, b, ...cmp });
    return ExitCode.OK;
  }
  const c = ctx.colors;
  const level = Math.round((cmp.confidenceLevel ?? 0.95) * 100);
  ctx.out(
    [
      `${c.bold(metric)}: B (${show(b)}) vs A (${show(a)})`,
      `  A: n=${cmp.nA}, median ${formatNumber(cmp.medianA)}    B: n=${cmp.nB}, median ${formatNumber(cmp.medianB)}`,
      `  shift B−A: ${sign(cmp.shift)} (${level}% interval ${sign(cmp.shiftInterval[0])} … ${sign(cmp.shiftInterval[1])})`,
      `  relative:  ${formatPercent(cmp.relativeShift)} (${formatPercent(cmp.relativeInterval[0])} … ${formatPercent(cmp.relativeInterval[1])})`,
      `  Mann–Whitney p ${formatPValue(cmp.pValue)}, Cliff's delta ${formatNumber(cmp.effectSize, 3)}`,
      `  verdict: ${c.bold(cmp.verdict)}: ${cmp.summary}`,
    ].join('\n'),
  );
  return ExitCode.OK;
}

const sign = (v: number) => (Number.isFinite(v) && v > 0 ? '+' : '') + formatNumber(v);
const show = (where: Record<string, unknown>) => Object.entries(where).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ');
