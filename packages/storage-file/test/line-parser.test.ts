import { fc, test as prop } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { LineKind, LineParser, isJsonObjectText, isJsonPrefix, parseJsonNumber } from '../src/internal/line-parser.js';

const jsonParses = (s: string): unknown => {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
};

describe('parseJsonNumber', () => {
  prop.prop([fc.double({ noNaN: true, noDefaultInfinity: true })])('reads back every double exactly as JSON.stringify wrote it', (x) => {
    const s = JSON.stringify(x);
    expect(Object.is(parseJsonNumber(s, 0, s.length), JSON.parse(s))).toBe(true);
  });
  prop.prop([fc.stringMatching(/^-?\d{1,17}(\.\d{1,17})?([eE][+-]?\d{1,3})?$/)])('agrees with JSON.parse on number-like text', (s) => {
    const expected = jsonParses(s);
    const got = parseJsonNumber(s, 0, s.length);
    if (typeof expected === 'number' && Number.isFinite(expected)) expect(Object.is(got, expected)).toBe(true);
    else expect(got).toBeNaN();
  });
  it('rejects what JSON rejects, even where Number() accepts it', () => {
    for (const s of ['', '-', '01', '1.', '.5', '+1', '0x10', 'Infinity', '1e', '1e+', ' 1', '1 ', 'NaN', '1e400']) expect(parseJsonNumber(s, 0, s.length), s).toBeNaN();
  });
  it('reads the extremes', () => {
    for (const x of [Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER, 0.1, 1e21, 8.64e15]) {
      const s = String(x);
      expect(parseJsonNumber(s, 0, s.length)).toBe(x);
    }
  });
});

describe('isJsonObjectText', () => {
  prop.prop([fc.dictionary(fc.string(), fc.jsonValue())])('accepts every serialized object', (o) => {
    expect(isJsonObjectText(JSON.stringify(o))).toBe(true);
    expect(isJsonObjectText(JSON.stringify(o, null, 2))).toBe(true);
  });
  prop.prop([fc.json(), fc.nat(), fc.string({ maxLength: 3 })])('agrees with JSON.parse on damaged text', (json, at, junk) => {
    const i = at % (json.length + 1);
    for (const s of [json.slice(0, i) + junk + json.slice(i), json.slice(0, i) + json.slice(i + 1)]) {
      const v = jsonParses(s);
      expect(isJsonObjectText(s), s).toBe(typeof v === 'object' && v !== null && !Array.isArray(v));
    }
  });
});

describe('isJsonPrefix', () => {
  prop.prop([fc.dictionary(fc.string(), fc.jsonValue()), fc.nat()])('is true for every proper prefix of a JSON object (what a torn line is)', (o, at) => {
    const json = JSON.stringify(o);
    const cut = json.slice(0, at % json.length);
    if (jsonParses(cut) === undefined) expect(isJsonPrefix(cut), cut).toBe(true);
  });
  it('is false for text that cannot start JSON', () => {
    for (const s of ['garbage', '{"a":1}}', '{"a" 1', '{a', ']', 'tru3', '"\u0001']) expect(isJsonPrefix(s), s).toBe(false);
  });
});

describe('LineParser', () => {
  it('reads the writer’s shape on the fast path and other shapes through JSON.parse', () => {
    const p = new LineParser();
    const lines = [
      '{"name":"a","value":1.5,"timestamp":2,"metadata":{"k":"v"}}',
      '{"name":"a","value":1.5,"timestamp":2,"metadata":{"k":"v"},"batch":"0a/2"}',
      '{"timestamp":2,"name":"a","metadata":{"k":"v"},"value":1.5}',
      '{"name":"a\\"b","value":1.5,"timestamp":2,"metadata":{"k":"v"}}',
    ];
    for (const l of lines) {
      expect(p.parse(l, 0, l.length), l).toBe(LineKind.RECORD);
      expect(p.value).toBe(1.5);
      expect(JSON.parse(p.meta)).toEqual({ k: 'v' });
    }
    expect(p.name).toBe('a"b');
    expect(p.parse('{"format":"autodev-metrics","version":3}', 0, 40)).toBe(LineKind.HEADER);
    expect(p.version).toBe(3);
    for (const bad of ['{"name":"","value":1,"timestamp":1,"metadata":{}}', '{"name":"a","value":1,"timestamp":9e15,"metadata":{}}', '{"name":"a","value":1,"timestamp":1,"metadata":{},"batch":"zz"}', 'null'])
      expect(p.parse(bad, 0, bad.length), bad).toBe(LineKind.BAD);
  });
});
