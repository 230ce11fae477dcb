// Property tests of the report parsers: whatever bytes a file holds, parsing it gives a clean result (finite counts,
// times and percentages in range) or a typed BAD_INPUT error that names the file and says what to fix.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRecordsFile } from '../../src/commands/import.js';
import { decodeText } from '../../src/internal/read-input.js';
import { parseCoverage } from '../../src/parsers/coverage.js';
import { parseEslint } from '../../src/parsers/eslint.js';
import { parseJUnit } from '../../src/parsers/junit.js';
import { parseMonitorSnapshot } from '../../src/parsers/monitor.js';
import { damagedBytes, expectCount, expectQuantity, expectTypedInputError, type Format } from './report-inputs.js';

const FILE = 'reports/the report.dat';
// A fixed seed keeps CI reproducible; AUTODEV_FUZZ_SEED / AUTODEV_FUZZ_RUNS explore further by hand.
const seed = process.env.AUTODEV_FUZZ_SEED === undefined ? 20261126 : Number(process.env.AUTODEV_FUZZ_SEED);
const runs = (n: number) => Number(process.env.AUTODEV_FUZZ_RUNS ?? n);

/** Parses `text` as `format` and checks the result's numbers; returns false when the parser refused it. */
async function parseChecked(format: Format, text: string): Promise<boolean> {
  try {
    switch (format) {
      case 'junit': {
        const r = parseJUnit(text, FILE);
        for (const k of ['tests', 'failures', 'errors', 'skipped'] as const) expectCount(r[k], k);
        expectQuantity(r.time, 'time');
        for (const s of r.suites) {
          for (const k of ['tests', 'failures', 'errors', 'skipped'] as const) expectCount(s[k], `suite ${k}`);
          expectQuantity(s.time, 'suite time');
        }
        break;
      }
      case 'coverage': {
        const c = parseCoverage(text, FILE);
        for (const k of ['lines', 'branches', 'functions', 'statements'] as const) if (c[k] !== undefined) expectQuantity(c[k], k, 100);
        break;
      }
      case 'eslint': {
        const l = parseEslint(text, FILE);
        for (const k of ['errors', 'warnings', 'fixableErrors', 'fixableWarnings'] as const) expectCount(l[k], k);
        break;
      }
      case 'monitor': {
        for (const op of await parseMonitorSnapshot(text, FILE)) {
          expect(op.metricSuffix).toMatch(/^[a-z0-9_]+$/);
          expectCount(op.count, 'count');
          expectCount(op.errors, 'errors');
          for (const q of [op.p50, op.p95, op.p99]) expectQuantity(q, 'quantile');
        }
        break;
      }
      case 'records': {
        const { validateRecord } = await import('@autodev/learning');
        for (const r of await parseRecordsFile(text, FILE)) validateRecord(r);
        break;
      }
    }
    return true;
  } catch (e) {
    expectTypedInputError(e, FILE);
    return false;
  }
}

describe.each(['junit', 'coverage', 'eslint', 'monitor', 'records'] as const)('%s parser on damaged bytes', (format) => {
  it('gives a clean result or a typed BAD_INPUT error naming the file, for random, truncated, flipped, spliced and re-encoded reports', async () => {
    let accepted = 0, refused = 0;
    await fc.assert(
      fc.asyncProperty(damagedBytes(format), async (bytes) => {
        if (await parseChecked(format, decodeText(bytes))) accepted++;
        else refused++;
      }),
      { seed, numRuns: runs(format === 'monitor' ? 250 : 400) },
    );
    // Both outcomes must occur, or the arbitraries do not reach the parser's interesting paths.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });

  it('any string at all (binary code units, lone surrogates, NUL) gives a result or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 300 }), async (text) => {
        await parseChecked(format, text);
      }),
      { seed, numRuns: runs(150) },
    );
  });
});
