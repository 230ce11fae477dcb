/**
 * Prints the end-to-end reliability table of insight confidence (see bench/insights-calibration.ts for the
 * labels), the same for the confidences a FeedbackLoop reports (bench/insights-loop-calibration.ts), and times
 * one pass of the rules over a small suite. Run: pnpm bench -- insights-calibration
 */
import { bench, describe } from 'vitest';
import { generateCiSuite } from '../src/detection/synthetic.js';
import { collectInsights, formatInsightCalibration, INSIGHT_EVAL_SEED } from './insights-calibration.js';
import { formatLoopCalibration, runLoopSuite } from './insights-loop-calibration.js';

const SERIES = 200;
console.log(`\nInsight confidence calibration (seed ${INSIGHT_EVAL_SEED}, ${SERIES} synthetic series)\n`);
console.log(formatInsightCalibration(collectInsights(generateCiSuite({ seed: INSIGHT_EVAL_SEED, count: SERIES }))));
// The same suite fed run by run to FeedbackLoops (8 metrics each): the confidences the loop reports after learning.
console.log(`\nFeedback loop confidence calibration (seed ${INSIGHT_EVAL_SEED}, ${SERIES} synthetic series, 8 metrics per loop)\n`);
console.log(formatLoopCalibration(await runLoopSuite(generateCiSuite({ seed: INSIGHT_EVAL_SEED, count: SERIES }))));

const small = generateCiSuite({ seed: INSIGHT_EVAL_SEED + 1, count: 10 });
describe('insight calibration pass', () => {
  bench('built-in rules on every 3rd prefix of 10 series', () => {
    collectInsights(small);
  }, { time: 0, iterations: 3, warmupIterations: 0 });
});
