import { describe, expect, it } from 'vitest';
import { covering, f1Score } from '../../src/detection/scoring.js';

// Expected values are the doctests of TCPDBench analysis/scripts/metrics.py (van den Burg & Williams 2020).
describe('f1Score', () => {
  it('reproduces the TCPDBench doctests', () => {
    expect(f1Score({ 1: [10, 20], 2: [11, 20], 3: [10], 4: [0, 5] }, [10, 20]).f1).toBe(1);
    expect(f1Score({ 1: [], 2: [10], 3: [50] }, [10]).f1).toBeCloseTo(0.9090909090909091, 15);
    expect(f1Score({ 1: [], 2: [10], 3: [50] }, []).f1).toBeCloseTo(0.8, 15);
  });

  it('matches a hand-computed case with a miss, a double hit and the margin edge', () => {
    // Annotators A: {0, 20, 50}, B: {0, 26}. Predictions {0, 21, 22, 56, 80}.
    // Union {0, 20, 26, 50}: 0↔0, 20↔21, 26↔22 (distance 4), 50: closest free is 56 (distance 6 > 5) → TP 3.
    // P = 3/5. Recall A: 0, 20 matched, 50 not → 2/3; B: 0, 26 (↔21 at 5? 21 is free for B's own match:
    // B is matched on its own: 0↔0, 26↔22 (4, closer than 21 at 5)) → 2/2. R = (2/3 + 1)/2 = 5/6.
    const r = f1Score({ A: [20, 50], B: [26] }, [21, 22, 56, 80]);
    expect(r.precision).toBeCloseTo(3 / 5, 15);
    expect(r.recall).toBeCloseTo(5 / 6, 15);
    expect(r.f1).toBeCloseTo((2 * (3 / 5) * (5 / 6)) / (3 / 5 + 5 / 6), 15);
  });

  it('drops predictions at the last index when n is given', () => {
    expect(f1Score({ a: [] }, [99], { n: 100 }).f1).toBe(1);
    expect(f1Score({ a: [] }, [99]).f1).toBeLessThan(1);
  });

  it('rejects empty annotations', () => {
    expect(() => f1Score({}, [1])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('covering', () => {
  it('reproduces the TCPDBench doctests', () => {
    expect(covering({ 1: [10, 20], 2: [10], 3: [0, 5] }, [10, 20], 45)).toBeCloseTo(0.7962962962962963, 15);
    expect(covering({ 1: [], 2: [10], 3: [40] }, [10], 45)).toBeCloseTo(0.7954144620811286, 15);
    expect(covering({ 1: [], 2: [10], 3: [40] }, [], 45)).toBeCloseTo(0.8189300411522634, 15);
  });

  it('matches a hand-computed single-annotator case', () => {
    // Truth {0..5}{6..9}; prediction {0..2}{3..9}. Truth segment 1 (6 long): Jaccard 3/6 with {0..2},
    // 3/10 with {3..9} → 6·0.5; segment 2 (4 long): Jaccard with {3..9} = 4/7 → 4·4/7. Cover = (3 + 16/7) / 10.
    expect(covering({ a: [6] }, [3], 10)).toBeCloseTo((3 + 16 / 7) / 10, 15);
    expect(covering({ a: [6] }, [6], 10)).toBe(1);
  });
});
