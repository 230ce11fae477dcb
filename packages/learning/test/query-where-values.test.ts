import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/memory-store.js';
import { MetricsTracker } from '../src/metrics-tracker.js';
import { validateQuery, type MetricQuery } from '../src/store.js';

// A `where` value that is not a JSON value used to be answered differently by each backend: in memory
// `{ branch: undefined }` matched nothing, over HTTP (JSON drops the key) every record; NaN and a Date
// matched nothing in memory but null / the ISO string in JSON-based stores. Now every backend refuses it.
describe('validateQuery: where values must be JSON values', () => {
  const tracker = async () => {
    const t = new MetricsTracker();
    await t.recordMetric('test_duration', 1, { branch: 'main', n: null });
    await t.recordMetric('test_duration', 2, { branch: 'feature' });
    return t;
  };

  it('refuses undefined with INVALID_ARGUMENT saying what to pass instead', async () => {
    const t = await tracker();
    const e = await t.getMetrics('test_duration', { where: { branch: undefined } as unknown as MetricQuery['where'] }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect((e as Error).message).toMatch(/where\.branch is undefined: leave the key out to match any value, or pass null/);
    await expect(t.compare('test_duration', { branch: 'main' }, { branch: undefined } as unknown as MetricQuery['where'] & object)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('refuses NaN, Infinity, Dates, class instances, functions, holes and nested undefined', () => {
    const cases: [unknown, RegExp][] = [
      [{ n: NaN }, /where\.n must be a finite number, got NaN/],
      [{ n: -Infinity }, /where\.n must be a finite number/],
      [{ at: new Date(0) }, /where\.at .*got Date; compare with its toISOString\(\)/],
      [{ m: new Map() }, /where\.m .*got Map/],
      [{ f: () => 1 }, /where\.f must be a JSON value .*got function/],
      [{ b: 1n }, /got bigint/],
      [{ env: { os: undefined } }, /where\.env\.os is undefined/],
      // eslint-disable-next-line no-sparse-arrays
      [{ tags: ['a', , 'b'] }, /where\.tags\[1\] is undefined/],
    ];
    for (const [where, message] of cases) {
      expect(() => validateQuery({ where } as MetricQuery)).toThrow(message);
    }
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => validateQuery({ where: { c: circular } } as unknown as MetricQuery)).toThrow(/nests deeper than/);
  });

  it('still accepts every JSON value, including null, nested objects and arrays', async () => {
    const t = await tracker();
    expect((await t.getMetrics('test_duration', { where: { n: null } })).map((r) => r.value)).toEqual([1]);
    expect(() => validateQuery({ where: { a: 'x', b: 0, c: false, d: [1, { e: null }], f: Object.create(null) as Record<string, never> } })).not.toThrow();
    const store = createMemoryStore();
    await expect(store.query({ where: { branch: undefined } as unknown as MetricQuery['where'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
