import { describe, expect, it } from 'vitest';
import { FeedbackLoop } from '../src/insights/feedback-loop.js';
import { AutoOptimizer } from '../src/insights/optimizations.js';
import { MetricsTracker } from '../src/metrics-tracker.js';

// A clock option returning something other than epoch milliseconds used to surface as a bad record
// ("record "x": timestamp must be epoch milliseconds …; pass records validated by @autodev/learning"),
// or, in a FeedbackLoop, as "timestamp -Infinity is not a valid date" — or a Date was stored as is.
describe('clock options (now) that do not return epoch milliseconds', () => {
  const bad: [string, () => unknown, RegExp][] = [
    ['NaN', () => Number.NaN, /the clock \(the now option\) returned NaN; it must return epoch milliseconds like Date\.now\(\)/],
    ['a Date', () => new Date(0), /returned a Date; .*\(use \(\) => date\.getTime\(\)\)/],
    ['a string', () => '2026-01-01', /returned "2026-01-01"/],
    ['beyond the Date range', () => 9e15, /returned 9000000000000000/],
  ];

  it('MetricsTracker: INVALID_ARGUMENT naming the clock, nothing stored', async () => {
    for (const [, now, message] of bad) {
      const storage = new MetricsTracker().storage;
      const tracker = new MetricsTracker({ storage, now: now as () => number });
      await expect(tracker.recordMetric('test_duration', 1)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) as unknown });
      await expect(tracker.recordMetrics([{ name: 'test_duration', value: 1 }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      // An explicit timestamp does not need the clock.
      await tracker.recordMetric('test_duration', 2, {}, { timestamp: 1000 });
      expect((await storage.query()).map((r) => r.value)).toEqual([2]);
    }
  });

  it('FeedbackLoop: INVALID_ARGUMENT naming the clock, nothing recorded (a Date clock was stored as is)', async () => {
    for (const [, now, message] of bad) {
      const tracker = new MetricsTracker();
      const loop = new FeedbackLoop(tracker, { now: now as () => number });
      await expect(loop.evaluateIteration({ test_duration: 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) as unknown });
      expect(await tracker.getMetrics()).toEqual([]);
    }
  });

  it('AutoOptimizer: INVALID_ARGUMENT before any action runs', async () => {
    const tracker = new MetricsTracker({ policy: { performance: { test_duration_max: 10 } } });
    const loop = new FeedbackLoop(tracker, { now: () => 1000 });
    let applied = 0;
    const optimizer = new AutoOptimizer(loop, { now: () => Number.NaN }).register({
      id: 'a',
      handles: { kind: 'budget-breach' },
      apply: () => {
        applied++;
      },
    });
    const insights = await loop.evaluateIteration({ test_duration: 20 });
    expect(insights.some((i) => i.kind === 'budget-breach')).toBe(true);
    await expect(optimizer.applyOptimizations(insights)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(applied).toBe(0);
  });
});
