import { describe, expect, it } from 'vitest';
import { detectRegression } from '../../src/detection/regression.js';
import { gaussian, mulberry32 } from '../../src/detection/internal/numeric.js';

const noise = (n: number, level: number, sd: number, seed: number): number[] => {
  const r = mulberry32(seed);
  return Array.from({ length: n }, () => level + sd * gaussian(r));
};

describe('detectRegression', () => {
  it('reports an increase once a few runs carry a step, with a shift interval around it', () => {
    const r = detectRegression([...noise(40, 60, 1, 1), ...noise(5, 66, 1, 2)]);
    expect(r.status).toBe('increase');
    expect(r.shift).toBeGreaterThan(4);
    expect(r.shiftInterval[0]).toBeLessThan(r.shift);
    expect(r.shiftInterval[1]).toBeGreaterThan(r.shift);
    expect(r.relativeShift).toBeCloseTo(0.1, 1);
    expect(r.baseline).toMatchObject({ start: 0 });
    expect(r.confidence).toBeGreaterThan(0.8);
  });

  it('reports a decrease', () => {
    expect(detectRegression([...noise(40, 60, 1, 3), ...noise(5, 50, 1, 4)]).status).toBe('decrease');
  });

  it('stays quiet on a stable series and on a single outlier', () => {
    const stable = noise(60, 60, 1, 5);
    const r = detectRegression(stable);
    expect(r.status).toBe('no-change');
    expect(r.confidence).toBeLessThan(0.5);
    expect(detectRegression([...stable, 600]).status).toBe('no-change');
  });

  it('uses the segment since the last change point as the baseline', () => {
    // An old step at 40 has settled; the newest runs match the new level.
    const r = detectRegression([...noise(40, 60, 1, 6), ...noise(40, 70, 1, 7)]);
    expect(r.status).toBe('no-change');
    expect(Math.abs(r.baseline.start - 40)).toBeLessThanOrEqual(1);
    expect(r.baseline.median).toBeCloseTo(70, 0);
  });

  it('says when there is not enough data', () => {
    const r = detectRegression([1, 2, 3, null, 4]);
    expect(r.status).toBe('insufficient-data');
    expect(r.reason).toMatch(/at least 12/);
    expect(r.confidence).toBe(0);
  });

  it('rejects bad options', () => {
    expect(() => detectRegression([1], { recent: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => detectRegression([1], { alpha: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('detectRegression with missing values', () => {
  it('maps the baseline start back to the original indexing', () => {
    const v: Array<number | null> = [...noise(40, 60, 1, 8), ...noise(40, 70, 1, 9)];
    for (const i of [3, 10, 17, 50, 77]) v[i] = null;
    const r = detectRegression(v);
    expect(r.status).toBe('no-change');
    expect(Math.abs(r.baseline.start - 40)).toBeLessThanOrEqual(1);
    expect(r.baseline.median).toBeCloseTo(70, 0);
    const step = [...v, ...noise(5, 80, 1, 10)];
    step.splice(82, 0, null);
    const s = detectRegression(step);
    expect(s.status).toBe('increase');
    expect(s.baseline.median).toBeCloseTo(70, 0);
  });
});

describe('detectRegression on discrete metrics', () => {
  it('does not fail a stable 0/1 count (exact tied Mann–Whitney), and still finds a real jump in it', () => {
    // 10% of runs have one failing test. Every run from the 12th is checked as CI would.
    const rnd = mulberry32(2024);
    let alarms = 0;
    let runs = 0;
    for (let s = 0; s < 60; s++) {
      const v = Array.from({ length: 40 }, () => (rnd() < 0.1 ? 1 : 0));
      for (let end = 12; end <= 40; end++) {
        const r = detectRegression(v.slice(0, end));
        if (r.status === 'insufficient-data') continue;
        runs++;
        if (r.status !== 'no-change' && r.confidence >= 0.8) alarms++;
      }
    }
    expect(runs).toBeGreaterThan(1500);
    expect(alarms).toBe(0);
    // Five runs in a row with 2–3 failures after 30 mostly clean ones is a regression.
    const jump = detectRegression([...new Array<number>(27).fill(0), 1, 0, 1, 2, 3, 2, 2, 3]);
    expect(jump.status).toBe('increase');
  });
});
