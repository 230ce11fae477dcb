// Hand-written broken coverage reports: each was a TypeError, a wrong percentage or a silently misread total before.
import { describe, expect, it } from 'vitest';
import { parseCoverage, parseLcov } from '../../src/parsers/coverage.js';
import { refusal } from './report-inputs.js';

describe('coverage: broken numbers', () => {
  it('a summary kind that is null, a string or a boolean is refused (null threw a TypeError; true of true was 100%)', async () => {
    for (const lines of ['null', '"80"', 'true', '[]', '{"total":true,"covered":true}', '{"total":"10","covered":"5"}', '{"total":null,"covered":0}']) {
      const e = await refusal(() => parseCoverage(`{"total":{"lines":${lines}}}`, 's.json'), 's.json');
      expect(e.message).toMatch(/^s\.json: total\.lines must be \{ "total": <number>, "covered": <number> \} with 0 <= covered <= total, got /);
    }
  });

  it('percentages of enormous counts are 100, not NaN (100 * covered overflowed)', () => {
    expect(parseCoverage('{"total":{"lines":{"total":1e308,"covered":1e308},"branches":{"total":1.7e308,"covered":0.85e308}}}', 's.json')).toMatchObject({ lines: 100, branches: 50 });
  });

  it('an lcov total that is empty, hexadecimal, exponential or beyond 2^53 is refused (empty was 0, 0x10 was 16, 1e308 twice was NaN)', async () => {
    for (const [value, shown] of [['', '""'], ['0x10', '"0x10"'], ['1e3', '"1e3"'], ['1e308', '"1e308"'], ['99999999999999999999', '"99999999999999999999"'], ['-0', '"-0"']]) {
      const e = await refusal(() => parseLcov(`SF:a.js\nLF:${value}\nLH:0\nend_of_record\n`, 'l.info'), 'l.info');
      expect(e.message).toBe(`l.info:2: LF must be a whole number, got ${shown}`);
    }
    expect(parseLcov('SF:a.js\nLF: 4 \nLH:1\nend_of_record\n', 'l.info').lines).toBe(25);
  });

  it('not valid JSON names line and column, and says when the file was cut short', async () => {
    expect((await refusal(() => parseCoverage('{"total":\n  {"lines": x}}', 's.json'), 's.json')).message).toMatch(/^s\.json: not valid JSON: /);
    expect((await refusal(() => parseCoverage('{"total":\n  {"lines": 1,}}', 's.json'), 's.json')).message).toMatch(/^s\.json:2:15: not valid JSON: /);
    expect((await refusal(() => parseCoverage('{"total":{"lines"', 's.json'), 's.json')).message).toMatch(/^s\.json(:\d+:\d+)?: not valid JSON \(the file ends early: was it cut short\?\)/);
  });
});

