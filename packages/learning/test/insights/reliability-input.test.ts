import { describe, expect, it } from 'vitest';
import { decideFinding, FeedbackLoop, FINDING_METRIC, OUTCOME_TESTS } from '../../src/insights/feedback-loop.js';
import { adjustConfidence, learnReliability, NO_RELIABILITY, pooledShift } from '../../src/insights/reliability.js';
import { memoryTracker } from './helpers.js';

const code = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
  return 'no error';
};

describe('learnReliability, adjustConfidence, pooledShift, decideFinding: bad input is INVALID_ARGUMENT saying what to fix', () => {
  it('learnReliability checks its options like every other function (null = none, snake_case refused)', () => {
    // null was a TypeError; { prior_strength } silently the default κ = 4.
    expect(learnReliability([], null as never)).toBe(NO_RELIABILITY);
    expect(code(() => learnReliability([[0.9, false]], { prior_strength: 100 } as never))).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/unknown option "prior_strength"; did you mean priorStrength\?/) as unknown,
    });
    expect(learnReliability([[0.9, false]], { priorStrength: undefined, priorShift: undefined })).toEqual(learnReliability([[0.9, false]]));
    expect(code(() => learnReliability([[0.9, false]], { outcomeTest: 0.9 as never }))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/outcomeTest must be an object/) as unknown });
  });

  it('learnReliability refuses outcomes that are not [confidence, boolean] pairs instead of counting them as refuted', () => {
    // [[0.9]] used to count as one refuted finding.
    expect(code(() => learnReliability([[0.9]] as never))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/outcomes\[0\] must be a \[confidence, confirmed\] pair/) as unknown });
    expect(code(() => learnReliability([[0.9, true], [0.8, 'refuted']] as never))).toMatchObject({ message: expect.stringMatching(/outcomes\[1\]/) as unknown });
    expect(code(() => learnReliability(null as never))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/outcomes must be an array/) as unknown });
    expect(code(() => learnReliability([[85, true]]))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('adjustConfidence refuses a confidence outside [0, 1] (85 for 0.85 came back as ≈ 1) and a missing reliability', () => {
    const r = learnReliability([[0.9, false], [0.9, false]], { outcomeTest: OUTCOME_TESTS.shift });
    expect(code(() => adjustConfidence(85, r))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/confidence must be in \[0, 1\], got 85/) as unknown });
    expect(code(() => adjustConfidence(0.5, null as never))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/what learnReliability returns/) as unknown });
    expect(adjustConfidence(0.9, NO_RELIABILITY)).toBe(0.9);
    expect(adjustConfidence(0.9, r)).toBeLessThan(0.9);
  });

  it('pooledShift refuses a non-iterable and malformed entries (a TypeError before)', () => {
    expect(code(() => pooledShift(null as never))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(code(() => pooledShift([{ outcomeShift: Number.NaN, shiftPrecision: 1, resolved: 2 }]))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(pooledShift([])).toBe(0);
  });

  it('decideFinding refuses a misspelt family or direction, no follow-up, or NaN (each used to decide silently)', () => {
    const f = { family: 'shift', direction: 'increase', baseline: 10, flagged: 20 } as const;
    expect(decideFinding(f, [19, 20, 21])).toBe('confirmed');
    expect(code(() => decideFinding({ ...f, family: 'shifts' as never }, [19, 20, 21]))).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/family must be one of shift, trend, anomaly/) as unknown });
    expect(code(() => decideFinding({ ...f, direction: 'up' as never }, [19, 20, 21]))).toMatchObject({ message: expect.stringMatching(/direction must be "increase" or "decrease"/) as unknown });
    expect(code(() => decideFinding(f, []))).toMatchObject({ message: expect.stringMatching(/followUp must be a non-empty array/) as unknown });
    expect(code(() => decideFinding(f, [Number.NaN, 20, 20]))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(code(() => decideFinding({ ...f, baseline: Number.NaN }, [20]))).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('a malformed finding in a stored ledger is skipped, not a failure of every later iteration', async () => {
    const tracker = memoryTracker();
    const bad = { id: 'x-0', metric: 'test_duration', family: 'shift', direction: 'increase', raisedAt: 1, baseline: 'ten', flagged: 20, statisticalConfidence: 0.9 };
    await tracker.recordMetric(FINDING_METRIC, 0.9, { event: 'raised', id: 'x-0', metric: 'test_duration', finding: bad } as never, { timestamp: 1 });
    await tracker.recordMetric(FINDING_METRIC, 0.9, { event: 'resolved', id: 'x-0', metric: 'test_duration', outcome: 'refuted' } as never, { timestamp: 2 });
    const loop = new FeedbackLoop(tracker, { now: () => 1000 });
    expect(await loop.history()).toEqual([]);
    await expect(loop.evaluateIteration({ test_duration: 12 })).resolves.toEqual([]);
  });
});
