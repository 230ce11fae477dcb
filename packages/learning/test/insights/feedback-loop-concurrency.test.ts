import { describe, expect, it } from 'vitest';
import { FeedbackLoop, FINDING_METRIC } from '../../src/insights/feedback-loop.js';
import { memoryTracker } from './helpers.js';

const BASELINE = Array.from({ length: 20 }, (_, i) => 10 + (i % 3) * 0.1);
// One spike (an anomaly finding), then runs back at the baseline that decide it.
const FOLLOW_UP = [10, 10.1, 10, 10.1, 10];

async function ledger(concurrent: boolean) {
  const tracker = memoryTracker();
  let clock = 1_700_000_000_000;
  const loop = new FeedbackLoop(tracker, { now: () => (clock += 60_000) });
  for (const v of [...BASELINE, 15]) await loop.evaluateIteration({ test_duration: v });
  const results = concurrent
    ? await Promise.all(FOLLOW_UP.map((v) => loop.evaluateIteration({ test_duration: v })))
    : await (async () => {
        const out = [];
        for (const v of FOLLOW_UP) out.push(await loop.evaluateIteration({ test_duration: v }));
        return out;
      })();
  const events = (await tracker.getMetrics(FINDING_METRIC)).map((e) => JSON.stringify([e.metadata.event, e.metadata.id, e.metadata.outcome ?? null]));
  const runs = (await tracker.getMetrics('test_duration')).map((r) => r.value);
  return { events, runs, history: await loop.history(), insights: results.map((r) => r.map((i) => `${i.kind} ${i.confidence}`)) };
}

describe('FeedbackLoop: concurrent evaluateIteration calls', () => {
  it('run one after another: each finding is resolved once, and the answers equal those of awaited calls', async () => {
    const sequential = await ledger(false);
    const concurrent = await ledger(true);
    // Before, every concurrent call resolved the pending anomaly again: five `resolved` events for one finding.
    expect(concurrent.events.filter((e) => e.startsWith('["resolved"'))).toHaveLength(1);
    expect(concurrent.events).toEqual(sequential.events);
    expect(concurrent.runs).toEqual(sequential.runs);
    expect(concurrent.history).toEqual(sequential.history);
    expect(concurrent.insights).toEqual(sequential.insights);
  });

  it('a rejected call does not block the next one', async () => {
    const tracker = memoryTracker();
    const loop = new FeedbackLoop(tracker);
    const failing = new FeedbackLoop({ ...tracker, recordMetrics: () => Promise.reject(new Error('disk full')) });
    await expect(failing.evaluateIteration({ test_duration: 1 })).rejects.toThrow('disk full');
    await expect(failing.evaluateIteration({ test_duration: 1 })).rejects.toThrow('disk full');
    await expect(Promise.all([loop.evaluateIteration({ test_duration: 1 }), loop.evaluateIteration({ test_duration: Number.NaN })])).rejects.toMatchObject({
      code: 'INVALID_RECORD',
    });
    expect(await loop.evaluateIteration({ test_duration: 2 })).toEqual([]);
    expect((await tracker.getMetrics('test_duration')).map((r) => r.value)).toEqual([1, 2]);
  });
});
