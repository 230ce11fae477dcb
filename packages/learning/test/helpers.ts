import { expect } from 'vitest';

/** Asserts |actual − expected| ≤ rel·|expected| (or ≤ rel when expected is 0). */
export function expectRel(actual: number, expected: number, rel = 1e-12): void {
  const tol = expected === 0 ? rel : Math.abs(expected) * rel;
  if (!(Math.abs(actual - expected) <= tol)) {
    expect.fail(`expected ${actual} to be within ${rel} (relative) of ${expected}`);
  }
}
