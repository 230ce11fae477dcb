import { describe, expect, it } from 'vitest';
import { parseFiniteNumber, parseProbability } from '../src/args.js';

describe('parseFiniteNumber', () => {
  it('takes decimal numbers', () => {
    for (const [raw, v] of [['12', 12], ['-0.5', -0.5], ['.5', 0.5], ['1e-3', 0.001], ['+3', 3], [' 12 ', 12], ['7.', 7]] as const) expect(parseFiniteNumber('value', raw)).toBe(v);
  });

  it('refuses what Number() takes but nobody means as a metric value', () => {
    for (const raw of ['0x10', '0b11', '0o7', '', ' ', '12ms', '1,000', '1_000', 'NaN', 'Infinity', '1e400'])
      expect(() => parseFiniteNumber('value', raw), raw).toThrow(/value must be a finite number such as 12\.5/);
  });
});

describe('parseProbability', () => {
  it('takes 0–1 in decimal only', () => {
    expect(parseProbability('--min-confidence', '0.8')).toBe(0.8);
    for (const raw of ['0x1', '1.5', '-0.1', '']) expect(() => parseProbability('--min-confidence', raw), raw).toThrow(/from 0 to 1/);
  });
});
