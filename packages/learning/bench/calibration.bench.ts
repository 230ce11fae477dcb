/**
 * Prints the synthetic CI detection table (regression detection rate, delay, false alarms) and the calibration
 * table (reliability and ECE on the evaluation seed, maps fitted on the training seed, and ECE on a shifted
 * population) and the count model's table on discrete series, then times the per-run detectors. Run: `pnpm --filter @autodev/learning bench`.
 * Larger samples: `exec tsx bench/detection-synthetic.ts 2 600` and `exec tsx bench/calibration-report.ts 400`.
 */
import { bench, describe } from 'vitest';
import { detectAnomalies } from '../src/detection/anomalies.js';
import { detectDrift } from '../src/detection/drift.js';
import { generateCiSuite } from '../src/detection/synthetic.js';
import { collect, EVAL_SEED, SHIFTED_SEED, shiftedSuite, suiteFor } from './calibration-data.js';
import { formatCalibration, formatShift } from './calibration-report.js';
import { formatCountCalibration } from './count-calibration.js';
import { benchRegression, formatRegression } from './detection-synthetic.js';

const SYN_SEED = 2;
const SYN_COUNT = 400;
const CAL_COUNT = 200;
console.log(`\nSynthetic CI suite, regression detection (seed ${SYN_SEED}, ${SYN_COUNT} series, half stable, half steps)\n`);
console.log(formatRegression(benchRegression(generateCiSuite({ seed: SYN_SEED, count: SYN_COUNT, mix: { stable: 0.5, step: 0.5 } }))));
console.log(`\nCalibration on the evaluation seed ${EVAL_SEED} (${CAL_COUNT} series)\n`);
const fitted = collect(suiteFor(EVAL_SEED, CAL_COUNT));
console.log(formatCalibration(fitted));
console.log(`\nECE on a shifted population (seed ${SHIFTED_SEED}, ${CAL_COUNT} series; see SHIFTED_SUITE)\n`);
console.log(formatShift(fitted, collect(shiftedSuite(CAL_COUNT))));
console.log('');
console.log(formatCountCalibration(2000)); // the sample of docs/detection.md; 600 series give ECEs about twice as noisy

describe('per-run detectors on a 150-run history', () => {
  const s = suiteFor(EVAL_SEED, 1)[0]!.values;
  bench('detectAnomalies (newest point)', () => {
    detectAnomalies(s);
  }, { time: 200 });
  bench('detectAnomalies (newest 5, older ones confirmed by their successor)', () => {
    detectAnomalies(s, { recent: 5 });
  }, { time: 200 });
  bench('detectDrift (window 30)', () => {
    detectDrift(s);
  }, { time: 200 });
});
