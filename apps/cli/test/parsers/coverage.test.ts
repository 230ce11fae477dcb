import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCoverage, parseCoverageSummary, parseLcov } from '../../src/parsers/coverage.js';
import { fixture } from '../helpers.js';

describe('coverage parsers', () => {
  it('reads the lcov.info vitest (v8 provider) wrote: LF/LH, BRF/BRH, FNF/FNH', () => {
    const c = parseLcov(readFileSync(fixture('lcov-vitest-v8.info'), 'utf8'), 'lcov.info');
    expect(c.lines).toBeCloseTo(62.5, 10);
    expect(c.branches).toBeCloseTo((100 * 5) / 6, 10);
    expect(c.functions).toBeCloseTo(75, 10);
    expect(c.files).toBe(1);
  });

  it('reads the coverage-summary.json of the same run, exactly rather than from the rounded pct', () => {
    const c = parseCoverageSummary(readFileSync(fixture('coverage-summary-vitest-v8.json'), 'utf8'), 's.json');
    expect(c.lines).toBeCloseTo(62.5, 10);
    expect(c.statements).toBeCloseTo((100 * 8) / 11, 10);
    expect(c.branches).toBeCloseTo((100 * 5) / 6, 10);
  });

  it('the two formats of one run agree on lines, branches and functions', () => {
    const a = parseCoverage(readFileSync(fixture('lcov-vitest-v8.info'), 'utf8'), 'a');
    const b = parseCoverage(readFileSync(fixture('coverage-summary-vitest-v8.json'), 'utf8'), 'b');
    expect([a.lines, a.branches, a.functions]).toEqual([b.lines, b.branches, b.functions]);
  });

  it('sums several SF records and counts DA lines when LF/LH are missing', () => {
    const text = 'SF:a.js\nDA:1,1\nDA:2,0\nend_of_record\nSF:b.js\nLF:4\nLH:4\nend_of_record\n';
    expect(parseLcov(text, 'x').lines).toBeCloseTo((100 * 5) / 6, 10);
    expect(parseLcov(text, 'x').branches).toBeUndefined();
  });

  it('names the line of a malformed record, and rejects files that are not coverage', () => {
    expect(() => parseLcov(readFileSync(fixture('lcov-malformed.info'), 'utf8'), 'lcov-malformed.info')).toThrow(/lcov-malformed\.info:4: LF must be a whole number/);
    expect(() => parseCoverage('hello world\n', 'x.txt')).toThrow(/x\.txt:1: not an lcov tracefile line/);
    expect(() => parseCoverage('{"a.js":{"statementMap":{}}}', 'final.json')).toThrow(/no "total" entry/);
    expect(() => parseCoverage('<coverage/>', 'c.xml')).toThrow(/Cobertura/);
  });

  it('refuses a record with more hit than found (coverage above 100%) and a malformed DA line, naming the line', () => {
    expect(() => parseLcov('SF:a.js\nLF:10\nLH:20\nend_of_record\n', 'over.info')).toThrow(/over\.info:1: the record of "a\.js" has LH 20 > LF 10/);
    expect(() => parseLcov('SF:ok.js\nLF:1\nLH:1\nend_of_record\nSF:b.js\nBRF:2\nBRH:5\nend_of_record\n', 'br.info')).toThrow(/br\.info:5: the record of "b\.js" has BRH 5 > BRF 2/);
    expect(() => parseLcov('SF:c.js\nFNF:1\nFNH:3\n', 'fn.info')).toThrow(/FNH 3 > FNF 1/);
    expect(() => parseLcov('SF:d.js\nDA:1,1\nDA:x\nend_of_record\n', 'da.info')).toThrow(/da\.info:3: DA must be <line>,<hits>/);
    expect(() => parseLcov('SF:d.js\nDA:3,-1\nend_of_record\n', 'da.info')).toThrow(/da\.info:2: DA must be/);
    // A checksum after the hits is part of the format.
    expect(parseLcov('SF:e.js\nDA:1,2,abc123\nDA:2,0,def456\nend_of_record\n', 'ck.info').lines).toBe(50);
  });
});
