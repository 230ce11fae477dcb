import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { BinaryHeap, RunningMedian } from '../../src/detection/internal/heap.js';
import { sortedMedian } from '../../src/detection/internal/numeric.js';

describe('internal heaps', () => {
  test.prop([fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 200 })])(
    'RunningMedian gives sortedMedian of every prefix, to the bit',
    (xs) => {
      const m = new RunningMedian();
      expect(m.median()).toBeNaN();
      xs.forEach((x, i) => {
        m.push(x);
        expect(m.median()).toBe(sortedMedian(Float64Array.from(xs.slice(0, i + 1)).sort()));
      });
    },
  );

  test.prop([fc.array(fc.integer(), { maxLength: 200 })])('BinaryHeap pops in order', (xs) => {
    const h = new BinaryHeap<number>((a, b) => a > b);
    for (const x of xs) h.push(x);
    const out: number[] = [];
    while (h.size > 0) out.push(h.pop()!);
    expect(out).toEqual([...xs].sort((a, b) => b - a));
    expect(h.pop()).toBeUndefined();
  });
});
