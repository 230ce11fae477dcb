/**
 * Regression detection on the labelled synthetic CI suite (src/detection/synthetic.ts), default settings:
 * detection rate of steps ≥ 3 noise σ within 5 runs, detection delay, and false alarms per evaluated run on
 * stable series. Run: `pnpm --filter @autodev/learning exec tsx bench/detection-synthetic.ts [seed] [count]`
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectRegression } from '../src/detection/regression.js';
import { generateCiSuite, type LabelledSeries } from '../src/detection/synthetic.js';

export interface RegressionBench {
  steps3Sigma: number;
  detectedWithin5: number;
  delays: number[];
  smallSteps: number;
  smallDetectedWithin5: number;
  stableRuns: number;
  falseAlarms: number;
}

const sameDirection = (status: string, sign: number): boolean => (sign > 0 ? status === 'increase' : status === 'decrease');

export function benchRegression(suite: LabelledSeries[]): RegressionBench {
  const out: RegressionBench = { steps3Sigma: 0, detectedWithin5: 0, delays: [], smallSteps: 0, smallDetectedWithin5: 0, stableRuns: 0, falseAlarms: 0 };
  for (const s of suite) {
    if (s.kind === 'step') {
      const big = Math.abs(s.relativeStep!) >= 3 * s.noiseCv;
      if (big) out.steps3Sigma++;
      else out.smallSteps++;
      for (let d = 1; d <= 5; d++) {
        const r = detectRegression(s.values.slice(0, s.changeAt! + d));
        if (sameDirection(r.status, Math.sign(s.relativeStep!))) {
          if (big) {
            out.detectedWithin5++;
            out.delays.push(d);
          } else out.smallDetectedWithin5++;
          break;
        }
      }
    } else if (s.kind === 'stable') {
      for (let t = 12; t <= s.values.length; t++) {
        const r = detectRegression(s.values.slice(0, t));
        if (r.status === 'insufficient-data') continue;
        out.stableRuns++;
        if (r.status !== 'no-change') out.falseAlarms++;
      }
    }
  }
  return out;
}

export function formatRegression(b: RegressionBench): string {
  const mean = b.delays.reduce((a, d) => a + d, 0) / Math.max(1, b.delays.length);
  const sorted = [...b.delays].sort((x, y) => x - y);
  const hist = [1, 2, 3, 4, 5].map((d) => b.delays.filter((x) => x === d).length);
  return [
    '| measure | value | goal |',
    '| --- | --- | --- |',
    `| steps ≥ 3σ detected within 5 runs | ${b.detectedWithin5}/${b.steps3Sigma} = ${((100 * b.detectedWithin5) / Math.max(1, b.steps3Sigma)).toFixed(1)}% | ≥ 95% |`,
    `| detection delay (runs after the step), mean / median | ${mean.toFixed(2)} / ${sorted[sorted.length >> 1] ?? '-'} | |`,
    `| delay histogram, 1..5 runs | ${hist.join(' / ')} | |`,
    `| steps < 3σ detected within 5 runs | ${b.smallDetectedWithin5}/${b.smallSteps} = ${((100 * b.smallDetectedWithin5) / Math.max(1, b.smallSteps)).toFixed(1)}% | (hard by design) |`,
    `| false alarms on stable series | ${b.falseAlarms} in ${b.stableRuns} runs = ${((1000 * b.falseAlarms) / Math.max(1, b.stableRuns)).toFixed(2)} per 1,000 | ≤ 1 per 1,000 |`,
  ].join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const seed = Number(process.argv[2] ?? 2);
  const count = Number(process.argv[3] ?? 600);
  const t0 = Date.now();
  console.log(formatRegression(benchRegression(generateCiSuite({ seed, count, mix: { stable: 0.5, step: 0.5 } }))));
  console.log(`(seed ${seed}, ${count} series, ${Date.now() - t0} ms)`);
}
