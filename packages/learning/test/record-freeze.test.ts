import { describe, expect, it } from 'vitest';
import { assertStorableRecord, createMemoryStore, parseIsoTimestamp, MAX_METADATA_DEPTH, MetricsTracker, validateRecord, type JsonValue } from '../src/index.js';

describe('records are immutable once validated', () => {
  it('a caller cannot change stored metadata through a returned record or its input', async () => {
    const tracker = new MetricsTracker({ storage: createMemoryStore() });
    const input = { suite: 'unit', tags: ['a'], nested: { k: 1 } };
    await tracker.recordMetric('test_duration', 1, input);
    input.suite = 'changed';
    const [r] = await tracker.getMetrics('test_duration');
    expect(r!.metadata).toEqual({ suite: 'unit', tags: ['a'], nested: { k: 1 } });
    expect(() => {
      (r!.metadata as { suite: string }).suite = 'x';
    }).toThrow(TypeError);
    expect(() => (r!.metadata['tags'] as string[]).push('b')).toThrow(TypeError);
    const [again] = await tracker.getMetrics('test_duration');
    expect(again!.metadata).toEqual({ suite: 'unit', tags: ['a'], nested: { k: 1 } });
  });
});

describe('metadata keys that are Object.prototype names', () => {
  it('keeps a "__proto__" key from JSON as an own key, without touching any prototype', async () => {
    const metadata = JSON.parse('{"__proto__": {"polluted": true}, "constructor": "x", "branch": "main"}') as Record<string, JsonValue>;
    const r = validateRecord({ name: 'm', value: 1, metadata });
    expect(Object.keys(r.metadata)).toEqual(['__proto__', 'constructor', 'branch']);
    expect(Object.getPrototypeOf(r.metadata)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(r.metadata))).toEqual(metadata);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    const store = createMemoryStore();
    await store.append([r]);
    expect(await store.query({ where: { branch: 'main' } })).toHaveLength(1);
    expect((await store.query())[0]!.metadata).toEqual(r.metadata);
  });
});

describe('metadata depth', () => {
  it('rejects pathologically deep metadata with INVALID_RECORD instead of overflowing the stack', () => {
    let deep: JsonValue = 1;
    for (let i = 0; i < 20_000; i++) deep = { k: deep };
    expect(() => validateRecord({ name: 'm', value: 1, metadata: { deep } })).toThrow(expect.objectContaining({ code: 'INVALID_RECORD', message: expect.stringMatching(/deeper than 64 levels/) }));
    let ok: JsonValue = 1;
    for (let i = 0; i < MAX_METADATA_DEPTH - 1; i++) ok = [ok];
    expect(validateRecord({ name: 'm', value: 1, metadata: { ok } }).metadata['ok']).toBeDefined();
  });
});

describe('−0 never reaches a store', () => {
  it('turns a −0 value, timestamp or metadata number into 0, as a JSON-based backend would return it', () => {
    const r = validateRecord({ name: 'm', value: -0, timestamp: -0, metadata: { delta: -0, list: [-0, 1] } });
    expect(Object.is(r.value, 0)).toBe(true);
    expect(Object.is(r.timestamp, 0)).toBe(true);
    expect(Object.is(r.metadata['delta'], 0)).toBe(true);
    expect(Object.is((r.metadata['list'] as number[])[0], 0)).toBe(true);
  });
});

describe('assertStorableRecord (for backends)', () => {
  it('accepts a validated record and rejects what a direct caller of append might pass, with INVALID_RECORD', () => {
    expect(() => assertStorableRecord(validateRecord({ name: 'm', value: 1, timestamp: 1 }))).not.toThrow();
    const bad: unknown[] = [
      null,
      'm',
      { name: '', value: 1, timestamp: 1, metadata: {} },
      { name: 'm', value: '1', timestamp: 1, metadata: {} },
      { name: 'm', value: Number.POSITIVE_INFINITY, timestamp: 1, metadata: {} },
      { name: 'm', value: 1, timestamp: 8.64e15 + 1, metadata: {} },
      { name: 'm', value: 1, timestamp: 1, metadata: null },
      { name: 'm', value: 1, timestamp: 1, metadata: ['a'] },
      { name: 'm', value: 1, timestamp: 1, metadata: new Date(0) },
    ];
    for (const b of bad) expect(() => assertStorableRecord(b)).toThrow(expect.objectContaining({ code: 'INVALID_RECORD' }));
    expect(() => assertStorableRecord({ name: 'm', value: Number.NaN, timestamp: 1, metadata: {} })).toThrow(/record "m": value must be a finite number/);
  });
});

describe('timestamps given as text are strict ISO-8601', () => {
  it('parses dates and zoned date-times, and says what is wrong with anything else', () => {
    expect(parseIsoTimestamp('2026-01-31T12:00:00Z')).toBe(Date.UTC(2026, 0, 31, 12));
    expect(parseIsoTimestamp('2026-01-31T14:00:00.250+02:00')).toBe(Date.UTC(2026, 0, 31, 12, 0, 0, 250));
    expect(parseIsoTimestamp('2026-01-31 12:00Z')).toBe(Date.UTC(2026, 0, 31, 12));
    expect(parseIsoTimestamp('2026-01-31')).toBe(Date.UTC(2026, 0, 31));
    expect(parseIsoTimestamp('2028-02-29')).toBe(Date.UTC(2028, 1, 29));
    // What Date.parse alone takes: March 7 2001, January 2 (month first), March 2, local time of this machine.
    expect(parseIsoTimestamp('March 7')).toMatch(/"March 7" is not an ISO-8601 date or time/);
    expect(parseIsoTimestamp('1/2/2026')).toMatch(/is not an ISO-8601 date or time/);
    expect(parseIsoTimestamp('2026-02-30')).toBe('2026-02-30 is not a calendar date (2026-02 has 28 days)');
    expect(parseIsoTimestamp('2026-13-01')).toMatch(/2026-13 has no such month/);
    expect(parseIsoTimestamp('2026-01-31T12:00:00')).toMatch(/has no time zone/);
    expect(parseIsoTimestamp('2026-01-31T12:00:00', { localTime: true })).toBe(new Date(2026, 0, 31, 12).getTime());
    expect(parseIsoTimestamp('2026-01-31T25:00:00Z')).toMatch(/is not a valid time/);
  });

  it('validateRecord refuses a text timestamp that is not one, with INVALID_RECORD', () => {
    expect(validateRecord({ name: 'm', value: 1, timestamp: '2026-01-31T12:00:00Z' }).timestamp).toBe(Date.UTC(2026, 0, 31, 12));
    for (const timestamp of ['March 7', '2026-02-30', '2026-01-31T12:00:00'])
      expect(() => validateRecord({ name: 'm', value: 1, timestamp })).toThrow(expect.objectContaining({ code: 'INVALID_RECORD', message: expect.stringMatching(/metric "m": timestamp /) }));
  });
});
