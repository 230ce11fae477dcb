import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { QuantileSketch, RELATIVE_ACCURACY, bucketIndex, bucketValue } from '../src/quantile-sketch.js';

/** The order statistic the sketch promises to approximate: x₍⌊q·(n−1)⌋₎ of the sorted sample. */
function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

// 9 decades = 30 octaves, inside the 32 octaves the default 2048 buckets keep without collapsing.
const positive = fc.double({ min: 1e-6, max: 1e3, noNaN: true, noDefaultInfinity: true });

describe('QuantileSketch', () => {
  it('states a relative accuracy under the 1% target', () => {
    expect(RELATIVE_ACCURACY).toBeLessThan(0.01);
    expect(RELATIVE_ACCURACY).toBeCloseTo(1 / 129, 12);
  });

  test.prop([fc.double({ min: 1e-12, max: 1e12, noNaN: true })])('maps each value into a bucket whose value is within the stated error', (x) => {
    const v = bucketValue(bucketIndex(x));
    expect(Math.abs(v - x) / x).toBeLessThanOrEqual(RELATIVE_ACCURACY * (1 + 1e-9));
  });

  test.prop([fc.array(positive, { minLength: 1, maxLength: 400 }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'returns quantiles within the stated relative error of the exact order statistic',
    (values, q) => {
      const s = new QuantileSketch();
      for (const v of values) s.add(v);
      const sorted = [...values].sort((a, b) => a - b);
      const exact = exactQuantile(sorted, q);
      expect(Math.abs(s.quantile(q) - exact) / exact).toBeLessThanOrEqual(RELATIVE_ACCURACY * (1 + 1e-9));
    },
  );

  test.prop([fc.array(positive, { maxLength: 200 }), fc.array(positive, { maxLength: 200 })])(
    'merging two sketches gives the same buckets as one sketch of all values',
    (a, b) => {
      const sa = new QuantileSketch();
      const sb = new QuantileSketch();
      const all = new QuantileSketch();
      for (const v of a) {
        sa.add(v);
        all.add(v);
      }
      for (const v of b) {
        sb.add(v);
        all.add(v);
      }
      const merged = QuantileSketch.fromJSON(JSON.parse(JSON.stringify(sa.toJSON())));
      merged.merge(JSON.parse(JSON.stringify(sb.toJSON())));
      expect(merged.toJSON()).toEqual(all.toJSON());
      for (const q of [0, 0.5, 0.9, 0.99, 1]) expect(Object.is(merged.quantile(q), all.quantile(q))).toBe(true);
    },
  );

  it('keeps exact zeros apart from the buckets, even after collapsing', () => {
    const s = new QuantileSketch(64);
    for (let i = 0; i < 10; i++) s.add(0);
    for (let i = 0; i < 90; i++) s.add(2 ** (i % 30));
    expect(s.quantile(0)).toBe(0);
    expect(s.quantile(0.09)).toBe(0);
    expect(s.quantile(0.11)).toBeGreaterThan(0);
    expect(s.count).toBe(100);
  });

  it('bounds memory by maxBins whatever the value range, folding the lowest buckets', () => {
    const s = new QuantileSketch(256);
    for (let e = -60; e <= 60; e += 0.01) s.add(2 ** e);
    expect(s.bucketBytes).toBeLessThanOrEqual(256 * 8);
    // The top of the distribution stays accurate: p99 of 2^[-60, 60] is 2^(-60 + 0.99·120).
    const exact = 2 ** (-60 + 0.99 * 120);
    expect(Math.abs(s.quantile(0.99) - exact) / exact).toBeLessThan(0.01);
    expect(s.toJSON().collapsed).toBe(true);
  });

  it('returns NaN for an empty sketch and rejects q outside [0, 1]', () => {
    const s = new QuantileSketch();
    expect(s.quantile(0.5)).toBeNaN();
    expect(() => s.quantile(1.5)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new QuantileSketch(10)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('rejects a malformed snapshot with INVALID_SNAPSHOT', () => {
    expect(() => QuantileSketch.fromJSON({ offset: -1, counts: [], collapsed: false, zeroCount: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_SNAPSHOT' }),
    );
  });

  it('reports each non-empty bucket with bounds around its value', () => {
    const s = new QuantileSketch();
    s.add(0);
    s.add(1);
    s.add(1);
    s.add(3);
    const seen: [number, number, number, number][] = [];
    s.forEachBucket((lo, hi, c, v) => seen.push([lo, hi, c, v]));
    expect(seen.map((b) => b[2])).toEqual([1, 2, 1]);
    for (const [lo, hi, , v] of seen.slice(1)) {
      expect(v).toBeGreaterThanOrEqual(lo);
      expect(v).toBeLessThan(hi);
    }
  });
});
