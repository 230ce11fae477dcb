/**
 * Prints the TCPD quality table (F1 with margin 5 and covering, TCPDBench definitions) of detectChangePoints
 * with its defaults, next to the paper's default-parameter results, then times one pass over the 16 series.
 * Run: `pnpm --filter @autodev/learning bench` (or `exec tsx bench/tcpd-eval.ts` for the table alone).
 */
import { existsSync } from 'node:fs';
import { bench, describe } from 'vitest';
import { detectChangePoints } from '../src/detection/change-points.js';
import { evaluate, formatTcpd, loadTcpd, PAPER_BINSEG_CAP, TCPD_DIR } from './tcpd-eval.js';

const available = existsSync(TCPD_DIR);
const series = available ? loadTcpd() : [];
if (available) console.log(`\nTCPD dev series (${TCPD_DIR})\n\n${formatTcpd(evaluate(series), evaluate(series, { method: 'significance' }), evaluate(series, PAPER_BINSEG_CAP))}\n`);
else console.log(`TCPD data not found at ${TCPD_DIR}; set TCPD_DIR to run the quality table.`);

describe.skipIf(!available)('TCPD', () => {
  bench('detectChangePoints over the 16 dev series', () => {
    for (const s of series) detectChangePoints(s.values);
  }, { time: 200 });
});
