import { describe, expect, it } from 'vitest';
import { assertNotFuture, parseFiniteNumber, parseProbability, whereTypeHint } from '../src/args.js';
import { parseTime } from '../src/time-args.js';

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

describe('parseTime', () => {
  it('takes ISO-8601 and epoch milliseconds', () => {
    expect(parseTime('--at', '2026-01-31T12:00:00Z')).toBe(Date.UTC(2026, 0, 31, 12));
    expect(parseTime('--at', '2028-02-29')).toBe(Date.UTC(2028, 1, 29));
    expect(parseTime('--at', '1700000000000')).toBe(1_700_000_000_000);
  });

  it('refuses days that do not exist instead of rolling them over (Date.parse makes 2026-02-30 March 2)', () => {
    for (const raw of ['2026-02-30', '2026-02-29T12:00:00Z', '2026-04-31']) expect(() => parseTime('--at', raw), raw).toThrow(/is not a calendar date/);
  });

  it('refuses epoch digits beyond 2^53, which would be rounded to another time', () => {
    expect(() => parseTime('--at', '99999999999999999')).toThrow(/--at must be an ISO-8601 time/);
  });
});

describe('assertNotFuture', () => {
  const now = Date.UTC(2026, 0, 31, 12);
  it('allows the past, now and a few minutes of clock skew', () => {
    for (const ms of [0, now - 86_400_000, now, now + 4 * 60_000]) expect(() => assertNotFuture('--at', ms, now)).not.toThrow();
  });

  it('refuses a time further ahead, saying how far', () => {
    expect(() => assertNotFuture('--at', now + 3 * 3_600_000, now)).toThrow(/--at 2026-01-31T15:00:00\.000Z is 3 hours in the future/);
    expect(() => assertNotFuture('--at', Date.UTC(2099, 0, 1), now)).toThrow(/is 26633 days in the future/);
  });
});

describe('whereTypeHint', () => {
  it('suggests key:=value for a filter value that looks like a number, boolean or null', () => {
    expect(whereTypeHint('--where', { pr: '59' })).toBe('--where pr=59 matches the text "59"; for a number recorded with pr:=59, use --where pr:=59');
    expect(whereTypeHint('--a', { flaky: 'true' })).toMatch(/for a boolean recorded with flaky:=true, use --a flaky:=true/);
    expect(whereTypeHint('--where', { branch: 'main' })).toBeUndefined();
    expect(whereTypeHint('--where', { pr: 59 })).toBeUndefined();
    expect(whereTypeHint('--where', undefined)).toBeUndefined();
  });
});
