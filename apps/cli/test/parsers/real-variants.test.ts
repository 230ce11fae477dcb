// Real-world variants of each report format (tools, versions, encodings, line ends) import the right numbers.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseRecordsFile } from '../../src/commands/import.js';
import { decodeText } from '../../src/internal/read-input.js';
import { parseCoverage } from '../../src/parsers/coverage.js';
import { parseEslint } from '../../src/parsers/eslint.js';
import { parseJUnit } from '../../src/parsers/junit.js';
import { parseMonitorSnapshot } from '../../src/parsers/monitor.js';
import { fixture } from '../helpers.js';
import { bytesOf, realReports } from './report-inputs.js';

describe('real-world variants import the right numbers', () => {
  it('Gradle JUnit XML: one suite per class, CDATA output with markup, entities in the failure message', () => {
    expect(parseJUnit(readFileSync(fixture('junit-gradle.xml'), 'utf8'), 'g.xml')).toMatchObject({ tests: 4, failures: 1, errors: 0, skipped: 1, time: 0.052, suites: [{ name: 'com.example.CalculatorTest' }] });
  });

  it('lcov of nyc (FN/FNDA/BRDA, several records) and of c8 on Windows (CRLF, BRDA "-")', () => {
    const nyc = parseCoverage(readFileSync(fixture('lcov-nyc.info'), 'utf8'), 'nyc.info');
    expect(nyc).toMatchObject({ format: 'lcov', files: 2, lines: 80, branches: 25, functions: 75 });
    const c8 = parseCoverage(readFileSync(fixture('lcov-c8.info'), 'utf8'), 'c8.info');
    expect(c8.lines).toBeCloseTo((100 * 4) / 6, 10);
    expect(c8.branches).toBeCloseTo(100 / 3, 10);
    expect(c8.functions).toBe(50);
  });

  it("jest's coverage-summary.json: a kind with 0 of 0 (pct \"Unknown\") is not measured", () => {
    expect(parseCoverage(readFileSync(fixture('coverage-summary-jest.json'), 'utf8'), 's.json')).toMatchObject({ lines: 80, statements: 75, functions: 100, branches: undefined, files: 2 });
  });

  it('ESLint 8 JSON (fatal parse error, suppressed messages not counted) and ESLint 9 json-with-metadata', () => {
    expect(parseEslint(readFileSync(fixture('eslint8.json'), 'utf8'), 'e8.json')).toEqual({ errors: 2, warnings: 1, fixableErrors: 0, fixableWarnings: 1, files: 3 });
    expect(parseEslint(readFileSync(fixture('eslint9-with-metadata.json'), 'utf8'), 'e9.json')).toEqual({ errors: 2, warnings: 1, fixableErrors: 0, fixableWarnings: 1, files: 2 });
  });

  it('records from export --format jsonl and --format json read the same', async () => {
    const a = await parseRecordsFile(readFileSync(fixture('records.jsonl'), 'utf8'), 'r.jsonl');
    expect(a.map((r) => [r.name, r.value])).toEqual([['build_time', 12.5], ['coverage_percent', 81.25], ['bundle_size', 1048576]]);
    expect(await parseRecordsFile(readFileSync(fixture('records.json'), 'utf8'), 'r.json')).toEqual(a);
  });

  it('every real report reads the same with a UTF-8 or UTF-16 (LE, BE) byte order mark and with CRLF line ends', async () => {
    const parse = async (format: keyof typeof realReports, text: string) => {
      if (format === 'junit') return parseJUnit(text, 'f');
      if (format === 'coverage') return parseCoverage(text, 'f');
      if (format === 'eslint') return parseEslint(text, 'f');
      if (format === 'monitor') return parseMonitorSnapshot(text, 'f');
      return parseRecordsFile(text, 'f');
    };
    for (const format of Object.keys(realReports) as (keyof typeof realReports)[])
      for (const name of realReports[format]) {
        const text = bytesOf(name).toString('utf8');
        const expected = await parse(format, text);
        const le = Buffer.from(text, 'utf16le');
        const variants = {
          bom: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]),
          utf16le: Buffer.concat([Buffer.from([0xff, 0xfe]), le]),
          utf16be: Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]),
          crlf: Buffer.from(text.replace(/\r?\n/g, '\r\n')),
        };
        for (const [variant, bytes] of Object.entries(variants)) expect(await parse(format, decodeText(bytes)), `${name} ${variant}`).toEqual(expected);
      }
  });
});
