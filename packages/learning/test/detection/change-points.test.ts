import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { detectChangePoints } from '../../src/detection/change-points.js';
import { RunningMedian } from '../../src/detection/internal/heap.js';
import { gaussian, midpoint, mulberry32, sortedMedian } from '../../src/detection/internal/numeric.js';

const noise = (n: number, level: number, sd: number, seed: number): number[] => {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => level + sd * gaussian(r));
};

describe('detectChangePoints', () => {
  it('finds a step and reports the first index of the new segment with segment medians', () => {
    const v = [...noise(40, 100, 2, 1), ...noise(40, 110, 2, 2)];
    const cps = detectChangePoints(v);
    expect(cps).toHaveLength(1);
    expect(Math.abs(cps[0]!.index - 40)).toBeLessThanOrEqual(1);
    expect(cps[0]!.before).toBeCloseTo(100, 0);
    expect(cps[0]!.after).toBeCloseTo(110, 0);
    expect(cps[0]!.relativeChange).toBeCloseTo(0.1, 1);
    expect(cps[0]!.pValue).toBeLessThan(1e-6);
    expect(cps[0]!.confidence).toBeGreaterThan(0.9);
    expect(cps[0]!.weak).toBe(false);
  });

  it('counts missing values in the index', () => {
    const v: Array<number | null | undefined> = [...noise(30, 10, 0.2, 3), ...noise(30, 12, 0.2, 4)];
    v.splice(10, 0, null, Number.NaN, undefined);
    const cps = detectChangePoints(v);
    expect(cps.map((c) => c.index)).toEqual([33]);
  });

  it('finds two steps', () => {
    const v = [...noise(40, 10, 0.3, 5), ...noise(40, 12, 0.3, 6), ...noise(40, 9, 0.3, 7)];
    const idx = detectChangePoints(v).map((c) => c.index);
    expect(idx).toHaveLength(2);
    expect(Math.abs(idx[0]! - 40)).toBeLessThanOrEqual(1);
    expect(Math.abs(idx[1]! - 80)).toBeLessThanOrEqual(1);
  });

  it('returns nothing for constant, tiny, empty or all-missing series', () => {
    expect(detectChangePoints(new Array<number>(50).fill(3))).toEqual([]);
    expect(detectChangePoints([1, 2, 3])).toEqual([]);
    expect(detectChangePoints([])).toEqual([]);
    expect(detectChangePoints([null, Number.NaN, undefined])).toEqual([]);
  });

  it('does not call a single outlier a change point, even the newest point or a huge one', () => {
    const base = noise(60, 50, 1, 8);
    expect(detectChangePoints([...base, 5000])).toEqual([]);
    const mid = [...base];
    mid[30] = 1e9;
    expect(detectChangePoints(mid)).toEqual([]);
    // A huge outlier next to a real step does not move or hide it.
    const step = [...noise(40, 50, 1, 9), ...noise(40, 60, 1, 10)];
    step[20] = 1e12;
    expect(detectChangePoints(step).map((c) => c.index)).toEqual([40]);
  });

  it('cuts a smooth wave at its zero crossings (mbic), and not into many steps (significance)', () => {
    // sin(i/10) crosses zero at i = 10π k ≈ 31.4, 62.8, 94.2: the level a person sees changes there.
    const v = Array.from({ length: 120 }, (_, i) => Math.sin(i / 10) * 5 + 0.05 * i);
    const idx = detectChangePoints(v).map((c) => c.index);
    expect(idx).toHaveLength(3);
    [31.4, 62.8, 94.2].forEach((z, i) => expect(Math.abs(idx[i]! - z)).toBeLessThanOrEqual(3));
    expect(detectChangePoints(v, { method: 'significance' }).length).toBeLessThanOrEqual(2);
  });

  it('stops at maxChangePoints, keeping the first splits of the path', () => {
    const v = [...noise(40, 10, 0.3, 31), ...noise(40, 20, 0.3, 32), ...noise(40, 30, 0.3, 33), ...noise(40, 10, 0.3, 34)];
    expect(detectChangePoints(v).map((c) => c.index)).toEqual([40, 80, 120]);
    // Binary segmentation's first splits are the largest reductions of the squared error: the 30 → 10 drop
    // first, then the 20 → 30 rise inside [0, 120).
    expect(detectChangePoints(v, { maxChangePoints: 2 }).map((c) => c.index)).toEqual([80, 120]);
    expect(detectChangePoints(v, { maxChangePoints: 0 })).toEqual([]);
  });

  it('returns weak candidates only when asked', () => {
    const v = [...noise(30, 10, 1, 11), ...noise(30, 10.5, 1, 12)];
    const strong = detectChangePoints(v);
    const all = detectChangePoints(v, { includeWeak: true });
    expect(all.length).toBeGreaterThan(strong.length);
    expect(all.filter((c) => c.weak).every((c) => c.pValue >= 0.05)).toBe(true);
  });

  it('rejects bad options', () => {
    expect(() => detectChangePoints([1, 2], { alpha: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => detectChangePoints([1, 2], { minSegmentLength: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => detectChangePoints([1, 2], { maxChangePoints: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => detectChangePoints([1, 2], { maxChangePoints: 1.5 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    // @ts-expect-error an unknown method is a typed error at run time too
    expect(() => detectChangePoints([1, 2], { method: 'pelt' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  test.prop([fc.integer({ min: 1, max: 1_000_000 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0.01, max: 1000, noNaN: true })])(
    'is invariant to shifting and positive scaling of the series',
    (seed, shift, scale) => {
      const v = [...noise(30, 0, 1, seed), ...noise(30, 3, 1, seed + 1)];
      const a = detectChangePoints(v).map((c) => c.index);
      const b = detectChangePoints(v.map((x) => x * scale + shift)).map((c) => c.index);
      expect(b).toEqual(a);
    },
  );
});

describe('detectChangePoints at extreme magnitudes', () => {
  it('finds the same step at 1e-200 and 1e200 scale as at unit scale', () => {
    const v = [...noise(30, 1, 0.01, 21), ...noise(30, 1.2, 0.01, 22)];
    const unit = detectChangePoints(v).map((c) => c.index);
    expect(unit).toEqual([30]);
    expect(detectChangePoints(v.map((x) => x * 1e200)).map((c) => c.index)).toEqual(unit);
    expect(detectChangePoints(v.map((x) => x * 1e-200)).map((c) => c.index)).toEqual(unit);
  });
});

describe('detectChangePoints on piecewise-constant integer metrics', () => {
  it('finds only the real step in a lint-error count (no splits inside constant runs)', () => {
    const lint = [...new Array<number>(30).fill(0), 2, 3, 2, 3, 2, 3, 2, 3];
    expect(detectChangePoints(lint).map((c) => c.index)).toEqual([30]);
    expect(detectChangePoints([...new Array<number>(20).fill(1), ...new Array<number>(20).fill(4)]).map((c) => c.index)).toEqual([20]);
  });
});

describe('detectChangePoints on quantised series', () => {
  it('finds no change in timings that are 0.2, 0.3 or 0.4 s at random (clipping never flattens a recurring level)', () => {
    // From `autodev run -- sh -c "sleep 0.$((RANDOM%3+2))"`: most runs 0.4 s, so the MAD of the residuals is ~1 ms,
    // and clipping at 3 robust σ used to pull every 0.2 onto 0.4 and report a +32% change with p = 4e-18.
    const t = [0.405921, 0.20492, 0.305761, 0.304701, 0.304888, 0.404385, 0.204417, 0.404176, 0.404862, 0.403952, 0.403916, 0.403997, 0.404685, 0.204548, 0.404864];
    expect(detectChangePoints(t)).toEqual([]);
  });

  it('finds no change in random draws from three levels (50 seeded series)', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const r = mulberry32(seed);
      const x = Array.from({ length: 40 }, () => [0.2, 0.3, 0.4][Math.floor(r() * 3)]! + 0.001 * r());
      const cps = detectChangePoints(x);
      expect(cps.filter((c) => c.pValue < 0.002), `seed ${seed}`).toEqual([]);
    }
  });
});

// A user test stepped a series from −1e308 to 1.79e308: the levels averaged across that gap overflowed to ±Infinity
// and the relative change was Infinity, so the insight read "rose from -Infinity to Infinity".
describe('levels near ±MAX_VALUE', () => {
  it('reports finite levels and relative change when the step spans more than MAX_VALUE', () => {
    const [cp] = detectChangePoints([...Array<number>(10).fill(-1e308), ...Array<number>(10).fill(1.79e308)]);
    expect(cp).toMatchObject({ index: 10, before: -1e308, after: 1.79e308 });
    expect(cp!.relativeChange).toBeCloseTo(2.79, 12); // (1.79e308 + 1e308) / 1e308; the plain formula overflowed
  });

  it('takes the median of two middle values near MAX_VALUE without overflow (their sum overflowed)', () => {
    expect(sortedMedian([1.7e308, 1.79e308])).toBeCloseTo(1.745e308, -294);
    expect(sortedMedian([-1.79e308, -1.7e308])).toBeCloseTo(-1.745e308, -294);
    const m = new RunningMedian();
    m.push(1.7e308);
    m.push(1.79e308);
    expect(m.median()).toBe(sortedMedian([1.7e308, 1.79e308]));
    expect(midpoint(1, 2)).toBe(1.5); // ordinary values: the plain formula
    expect(midpoint(Number.MAX_VALUE, Number.MAX_VALUE)).toBe(Number.MAX_VALUE);
  });
});
