/**
 * Anomalies on discrete and quantised CI metrics: how often the newest run of a stable series is flagged (a false
 * alarm), and how often a real spike is flagged. The continuous synthetic suite does not cover these metrics; a
 * user test found them failing `autodev check`. Every run from the 10th on is tested as the newest run of the
 * history so far (as `check` does on each CI run), so rates are per 1,000 tested runs.
 * Run: `pnpm --filter @autodev/learning exec tsx bench/discrete-anomalies.ts [seed] [series per kind]`
 */
import { detectAnomalies } from '../src/detection/anomalies.js';
import { detectRegression } from '../src/detection/regression.js';
import { generateCountSuite, poisson } from './count-series.js';
import { mulberry32 } from '../src/stats/internal/random.js';

type Gen = (rnd: () => number, length: number) => number[];

const pick = <T>(rnd: () => number, xs: readonly T[], weights: readonly number[]): T => {
  let u = rnd() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < xs.length; i++) if ((u -= weights[i]!) < 0) return xs[i]!;
  return xs[xs.length - 1]!;
};

/** Stable series: nothing in them is a real anomaly. */
const STABLE: Record<string, Gen> = {
  'lint 0/1, 25% ones': (r, n) => Array.from({ length: n }, () => (r() < 0.25 ? 1 : 0)),
  'failures, 10% ones': (r, n) => Array.from({ length: n }, () => (r() < 0.1 ? 1 : 0)),
  'warnings, Poisson mean 0.3': (r, n) => Array.from({ length: n }, () => poisson(r, 0.3)),
  'warnings, Poisson mean 2': (r, n) => Array.from({ length: n }, () => poisson(r, 2)),
  'build time in {60, 61, 62}': (r, n) => Array.from({ length: n }, () => pick(r, [60, 61, 62], [1, 2, 1])),
  'sleeps of 0.2/0.3/0.4 s': (r, n) => Array.from({ length: n }, () => pick(r, [0.2, 0.3, 0.4], [1, 1, 4])),
  'bundle bytes, rare +1 KiB': (r, n) => Array.from({ length: n }, () => 524288 + (r() < 0.08 ? 1024 : 0)),
};

/** Series whose newest run is a real spike, with the spike's size. */
const SPIKES: Record<string, (r: () => number, n: number) => number[]> = {
  'lint 0 → 5 errors': (r, n) => [...STABLE['failures, 10% ones']!(r, n - 1).map(() => 0), 5],
  'failures (10% ones) → 6': (r, n) => [...STABLE['failures, 10% ones']!(r, n - 1), 6],
  'warnings (mean 2) → 12': (r, n) => [...STABLE['warnings, Poisson mean 2']!(r, n - 1), 12],
  'build time {60..62} → 75': (r, n) => [...STABLE['build time in {60, 61, 62}']!(r, n - 1), 75],
  'sleeps → 1.5 s': (r, n) => [...STABLE['sleeps of 0.2/0.3/0.4 s']!(r, n - 1), 1.5],
};

const seed = Number(process.argv[2] ?? 7);
const perKind = Number(process.argv[3] ?? 200);
const LENGTH = 40;
const CONFIDENT = 0.8;

console.log(`Stable discrete series (${perKind} per kind, ${LENGTH} runs, every run from the 10th tested as the newest):\n`);
console.log('| series | tested runs | anomalies | anomalies at ≥ 0.8 | per 1,000 runs at ≥ 0.8 | regressions at ≥ 0.8 per 1,000 runs |');
console.log('| --- | --- | --- | --- | --- | --- |');
let k = 0;
for (const [name, gen] of Object.entries(STABLE)) {
  const rnd = mulberry32(seed * 1000 + k++);
  let tested = 0;
  let flagged = 0;
  let confident = 0;
  let regressions = 0;
  for (let s = 0; s < perKind; s++) {
    const values = gen(rnd, LENGTH);
    for (let end = 10; end <= LENGTH; end++) {
      tested++;
      const h = values.slice(0, end);
      const a = detectAnomalies(h)[0];
      if (a) {
        flagged++;
        if (a.confidence >= CONFIDENT) confident++;
      }
      const r = detectRegression(h);
      if ((r.status === 'increase' || r.status === 'decrease') && r.confidence >= CONFIDENT) regressions++;
    }
  }
  const per1000 = (k: number): string => ((1000 * k) / tested).toFixed(1);
  console.log(`| ${name} | ${tested} | ${flagged} | ${confident} | ${per1000(confident)} | ${per1000(regressions)} |`);
}

console.log(`\nReal spikes in the newest run (${perKind} per kind):\n`);
console.log('| spike | found | found at ≥ 0.8 | median confidence |');
console.log('| --- | --- | --- | --- |');
for (const [name, gen] of Object.entries(SPIKES)) {
  const rnd = mulberry32(seed * 1000 + k++);
  const conf: number[] = [];
  for (let s = 0; s < perKind; s++) {
    const a = detectAnomalies(gen(rnd, LENGTH))[0];
    conf.push(a ? a.confidence : 0);
  }
  conf.sort((a, b) => a - b);
  const found = conf.filter((c) => c > 0).length;
  console.log(`| ${name} | ${found}/${perKind} | ${conf.filter((c) => c >= CONFIDENT).length}/${perKind} | ${conf[perKind >> 1]!.toFixed(2)} |`);
}

// The regression test on the labelled discrete suite: false alarms on series without a level shift (spikes are
// not shifts), and level shifts found within 5 runs of their start.
{
  const suite = generateCountSuite(4243, 5 * perKind);
  let runs = 0;
  let alarms = 0;
  let shifts = 0;
  let found = 0;
  for (const s of suite) {
    if (s.shiftAt === undefined) {
      for (let t = 12; t <= s.values.length; t++) {
        const r = detectRegression(s.values.slice(0, t));
        if (r.status === 'insufficient-data') continue;
        runs++;
        if (r.status !== 'no-change' && r.confidence >= CONFIDENT) alarms++;
      }
      continue;
    }
    shifts++;
    for (let d = 1; d <= 5; d++) {
      const r = detectRegression(s.values.slice(0, s.shiftAt + d));
      if (r.status === 'increase' && r.confidence >= CONFIDENT) {
        found++;
        break;
      }
    }
  }
  console.log(`\nRegression test on the discrete suite of bench/count-series.ts (seed 4243, ${5 * perKind} series):\n`);
  console.log(`- false alarms at ≥ 0.8 on series without a shift: ${alarms} in ${runs} runs = ${((1000 * alarms) / runs).toFixed(2)} per 1,000`);
  console.log(`- level shifts found at ≥ 0.8 within 5 runs: ${found} / ${shifts} = ${((100 * found) / shifts).toFixed(1)}%`);
}
