import { describe, expect, it } from 'vitest';
import { colorEnabled, createColors, visibleWidth } from '../../src/output/color.js';
import { formatConfidence, formatNumber, formatPValue, formatPercent } from '../../src/output/format.js';
import { sparkline } from '../../src/output/sparkline.js';
import { mdCell, mdCode, renderTable } from '../../src/output/table.js';

describe('sparkline', () => {
  it('maps min to the lowest bar and max to the highest', () => {
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8])).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([5, 5, 5])).toBe('▄▄▄');
    expect(sparkline([])).toBe('');
    expect(sparkline([1, Number.NaN, 3])).toBe('▁ █');
  });
  it('reduces long series to the width by bucket means', () => {
    const s = sparkline(Array.from({ length: 1000 }, (_, i) => i), 10);
    expect([...s]).toHaveLength(10);
    expect(s.startsWith('▁')).toBe(true);
    expect(s.endsWith('█')).toBe(true);
  });
});

describe('colour', () => {
  it('is on only for a TTY without NO_COLOR', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
  it('does not count escapes in widths, and tables line up', () => {
    const c = createColors(true);
    expect(visibleWidth(c.red('abc'))).toBe(3);
    const t = renderTable(['a', 'b'], [[c.red('xx'), '1'], ['y', '22']], ['left', 'right']);
    const lines = t.split('\n').map((l) => visibleWidth(l));
    expect(lines[2]).toBe(lines[3]);
  });
  it('counts wide characters (CJK, Hangul, emoji) as two columns and combining marks as none, so tables line up', () => {
    expect(visibleWidth('테스트_시간')).toBe(11);
    expect(visibleWidth('ビルド時間')).toBe(10);
    expect(visibleWidth('build_🚀')).toBe(8);
    expect(visibleWidth('durée')).toBe(5);
    expect(visibleWidth('dure\u0301e')).toBe(5); // e + combining acute accent
    expect(visibleWidth('▁▂▃█')).toBe(4);
    const t = renderTable(['metric', 'runs'], [['테스트_시간', '12'], ['test_duration', '7']], ['left', 'right']);
    const [, , a, b] = t.split('\n');
    expect(visibleWidth(a!)).toBe(visibleWidth(b!));
    expect(a!.endsWith('12')).toBe(true);
  });
});

describe('formatting', () => {
  it('never shows a confidence as certainty: from 0.995 up it reads "> 0.99", not "1.00"', () => {
    expect(formatConfidence(0.994)).toBe('0.99');
    expect(formatConfidence(0.996)).toBe('> 0.99');
    expect(formatConfidence(1)).toBe('> 0.99');
    expect(formatConfidence(0.8)).toBe('0.80');
    expect(formatConfidence(0)).toBe('0.00');
    expect(formatConfidence(1, true)).toBe('1.00'); // a budget breach is a fact
  });

  it('formats numbers, p-values and percentages', () => {
    expect(formatNumber(12.3456)).toBe('12.35');
    expect(formatNumber(123456)).toBe('123,456');
    expect(formatNumber(1e308)).toBe('1.000e+308');
    expect(formatNumber(-2.5e20)).toBe('-2.500e+20');
    expect(formatPValue(0.04967)).toBe('0.0497');
    expect(formatPValue(0.0503)).toBe('0.050');
    expect(formatPValue(0.00996)).toBe('0.00996');
    expect(formatPValue(0.0123)).toBe('0.012');
    expect(formatNumber(0.00001234)).toBe('1.2e-5');
    expect(formatNumber(Number.NaN)).toBe('–');
    expect(formatPValue(0.0001)).toBe('<0.001');
    expect(formatPValue(0.0421)).toBe('0.042');
    expect(formatPercent(0.281)).toBe('+28%');
    expect(formatPercent(-0.052)).toBe('-5.2%');
  });
  it('escapes markdown table cells', () => {
    expect(mdCell('a|b\nc')).toBe('a\\|b<br>c');
  });
  it('fences a metric name as code even when it holds backticks', () => {
    expect(mdCode('test_duration')).toBe('`test_duration`');
    expect(mdCode('lat`p95')).toBe('`` lat`p95 ``');
    expect(mdCode('a``b`')).toBe('``` a``b` ```');
  });
});
