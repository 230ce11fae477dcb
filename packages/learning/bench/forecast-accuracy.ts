/**
 * Rolling-origin forecast accuracy of `forecast` for each model ('ses', 'holt', 'damped', 'auto') next to the
 * naive forecast (the last value), on the 16 real TCPD dev series and on the synthetic CI suite.
 * At up to 25 evenly spaced origins per series (from run 20 on), the model is fitted on the history and
 * judged at 1, 5 and 10 runs ahead by the mean absolute scaled error (MASE: |error| ÷ the in-sample mean
 * absolute one-step change, Hyndman & Koehler 2006; below 1 beats the in-sample naive forecast) and by how
 * often the 95% prediction interval held the value (its empirical coverage).
 * Run: `pnpm --filter @autodev/learning exec tsx bench/forecast-accuracy.ts [syntheticCount]`
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forecast, type ForecastModel } from '../src/detection/forecast.js';
import { normalQuantile } from '../src/detection/internal/numeric.js';
import { generateCiSuite } from '../src/detection/synthetic.js';
import { loadTcpd } from './tcpd-eval.js';

const HORIZONS = [1, 5, 10] as const;
const H = 10;
const MIN_HISTORY = 20;
const ORIGINS = 25;
type Method = ForecastModel | 'naive';
const METHODS: Method[] = ['naive', 'ses', 'holt', 'damped', 'auto'];

interface Score {
  mase: number[][]; // per horizon index: scaled errors
  covered: number[][]; // per horizon index: 1 when the 95% interval held the value
  chosen: Map<string, number>;
}

/** Naive forecast with a random-walk interval: σ of one-step changes × √h. */
function naive(history: Float64Array, h: number): { mean: number; lower: number; upper: number } {
  let s = 0;
  for (let i = 1; i < history.length; i++) s += (history[i]! - history[i - 1]!) ** 2;
  const sd = Math.sqrt(s / Math.max(1, history.length - 1)) * Math.sqrt(h);
  const last = history[history.length - 1]!;
  const z = normalQuantile(0.975);
  return { mean: last, lower: last - z * sd, upper: last + z * sd };
}

export function evaluateForecasts(series: ReadonlyArray<ReadonlyArray<number | null>>): Map<Method, Score> {
  const out = new Map<Method, Score>(METHODS.map((m) => [m, { mase: HORIZONS.map(() => []), covered: HORIZONS.map(() => []), chosen: new Map() }]));
  for (const raw of series) {
    const x = Float64Array.from(raw.filter((v): v is number => v !== null && Number.isFinite(v)));
    const last = x.length - H;
    if (last < MIN_HISTORY) continue;
    const step = Math.max(1, Math.floor((last - MIN_HISTORY) / (ORIGINS - 1)));
    for (let t = MIN_HISTORY; t <= last; t += step) {
      const history = x.subarray(0, t);
      let scale = 0;
      for (let i = 1; i < t; i++) scale += Math.abs(history[i]! - history[i - 1]!);
      scale /= t - 1;
      if (!(scale > 0)) continue; // a constant history: every method is exact or undefined
      for (const m of METHODS) {
        const score = out.get(m)!;
        const f = m === 'naive' ? undefined : forecast(Array.from(history), { horizon: H, model: m });
        if (f) score.chosen.set(f.model, (score.chosen.get(f.model) ?? 0) + 1);
        HORIZONS.forEach((h, i) => {
          const p = f ? f.points[h - 1]! : naive(history, h);
          const actual = x[t + h - 1]!;
          score.mase[i]!.push(Math.abs(actual - p.mean) / scale);
          score.covered[i]!.push(actual >= p.lower && actual <= p.upper ? 1 : 0);
        });
      }
    }
  }
  return out;
}

const mean = (a: readonly number[]): number => a.reduce((s, v) => s + v, 0) / a.length;

export function formatForecasts(title: string, scores: Map<Method, Score>): string {
  const lines = [`${title}`, '', `| method | ${HORIZONS.map((h) => `MASE h=${h}`).join(' | ')} | ${HORIZONS.map((h) => `95% PI coverage h=${h}`).join(' | ')} | forecasts |`, `| --- |${' --- |'.repeat(HORIZONS.length * 2 + 1)}`];
  for (const [m, s] of scores) {
    const chosen = m === 'auto' ? ` (${[...s.chosen].map(([k, v]) => `${k} ${v}`).join(', ')})` : '';
    lines.push(`| ${m} | ${s.mase.map((e) => mean(e).toFixed(3)).join(' | ')} | ${s.covered.map((c) => mean(c).toFixed(3)).join(' | ')} | ${s.mase[0]!.length}${chosen} |`);
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 200);
  const t0 = Date.now();
  console.log(formatForecasts('TCPD dev series (16 real series: demographics, economics, traffic, quality control)', evaluateForecasts(loadTcpd().map((s) => s.values))));
  console.log();
  const suite = generateCiSuite({ seed: 4242, count });
  console.log(formatForecasts(`Synthetic CI suite (seed 4242, ${count} series: 40% stable, 40% step, 20% drift)`, evaluateForecasts(suite.map((s) => s.values))));
  console.log(`\n(${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
