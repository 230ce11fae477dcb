/**
 * Prints the rolling-origin forecast accuracy table (MASE and 95% interval coverage at 1, 5 and 10 runs ahead,
 * each model next to the naive forecast) on the TCPD dev series and a small synthetic CI suite, then times
 * `forecast` with model selection; also the reliability of the forecast insight's calibrated confidence. Run: `pnpm --filter @autodev/learning bench`
 * (or `exec tsx bench/forecast-accuracy.ts 200` for the tables on a larger suite).
 */
import { existsSync } from 'node:fs';
import { bench, describe } from 'vitest';
import { forecast } from '../src/detection/forecast.js';
import { generateCiSeries, generateCiSuite } from '../src/detection/synthetic.js';
import { evaluateForecasts, formatForecasts } from './forecast-accuracy.js';
import { EVAL_SEED } from './calibration-data.js';
import { collectForecastFindings, formatForecastCalibration } from './forecast-calibration.js';
import { loadTcpd, TCPD_DIR } from './tcpd-eval.js';

if (existsSync(TCPD_DIR)) console.log(`\n${formatForecasts('Forecast accuracy, TCPD dev series', evaluateForecasts(loadTcpd().map((s) => s.values)))}\n`);
console.log(`${formatForecasts('Forecast accuracy, synthetic CI suite (seed 4242, 40 series)', evaluateForecasts(generateCiSuite({ seed: 4242, count: 40 }).map((s) => s.values)))}\n`);

console.log(`Forecast insight confidence (evaluation seed ${EVAL_SEED}, 200 series)\n\n${formatForecastCalibration(collectForecastFindings(200, EVAL_SEED, 2))}\n`);

const history = generateCiSeries({ seed: 9, kind: 'drift', length: 200 }).values;

describe('forecast, 200-run history', () => {
  bench("model 'auto' (SES, Holt, damped; AICc)", () => {
    forecast(history, { horizon: 20 });
  });
  bench("model 'holt'", () => {
    forecast(history, { horizon: 20, model: 'holt' });
  });
});
