import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../src/memory-store.js';
import { MetricsTracker } from '../src/metrics-tracker.js';
import { validateRecord } from '../src/record.js';
import { LearningInsight } from '../src/insights/learning-insight.js';

// " test_duration" was accepted as a metric of its own: one stray space in a CI script split a metric's history
// into two that print alike. New records refuse it; reads keep working on stores that already hold such names.
describe('metric names with leading or trailing whitespace', () => {
  it('are refused when recording, naming the trimmed name, and nothing is stored', async () => {
    const store = createMemoryStore();
    const tracker = new MetricsTracker({ storage: store });
    for (const name of [' test_duration', 'test_duration ', '\u00a0test_duration', 'test_duration\u2003']) {
      await expect(tracker.recordMetric(name, 1)).rejects.toMatchObject({
        code: 'INVALID_RECORD',
        message: expect.stringContaining('leading or trailing whitespace, which would make it a different metric from "test_duration"'),
      });
    }
    expect(() => validateRecord({ name: 'a b', value: 1 })).not.toThrow(); // inner spaces are part of the name
    expect(await store.query()).toEqual([]);
  });

  it('still read from a store that already holds one', async () => {
    const store = createMemoryStore();
    // A frozen record is taken as already validated (as a persistent store hands back what an older version wrote).
    await store.append([Object.freeze({ name: ' legacy', value: 3, timestamp: 1, metadata: Object.freeze({}) })]);
    const tracker = new MetricsTracker({ storage: store });
    expect((await tracker.getMetrics(' legacy')).map((r) => r.value)).toEqual([3]);
    expect(await tracker.names()).toEqual([' legacy']);
    expect((await tracker.analyzeTrends(' legacy')).sufficient).toBe(false); // analysis takes the name too
  });
});

// The first version of this test passed { store } and never noticed: the tracker recorded into its own memory store.
describe('MetricsTracker options', () => {
  it('refuses a misspelt key instead of falling back to a memory store', () => {
    const store = createMemoryStore();
    expect(() => new MetricsTracker({ store } as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/MetricsTracker: unknown option "store"; did you mean storage\?/) }),
    );
    expect(() => new MetricsTracker({ storage: store, now: undefined })).not.toThrow();
  });
});


describe('MetricsTracker and LearningInsight: the guide\'s Python spellings', () => {
  it('a storage path gets told how to open a store', () => {
    expect(() => new MetricsTracker({ storage_path: '.autodev/metrics.jsonl' } as never)).toThrow(/takes a store, not a path: new MetricsTracker\({ storage: await openFileStore\({ path }\) }\)/);
  });

  it('LearningInsight refuses an unknown field with a did-you-mean instead of dropping it', () => {
    const base = { category: 'performance', description: 'd', confidence: 0.9, suggestedAction: 'a' };
    expect(() => new LearningInsight({ ...base, evidance: { n: 1 } } as never)).toThrow(/LearningInsight: unknown field "evidance"; did you mean evidence\?/);
    const { suggestedAction: _, ...withoutAction } = base;
    expect(() => new LearningInsight({ ...withoutAction, suggested_action: 'a' } as never)).toThrow(/unknown field "suggested_action"; did you mean suggestedAction\?/);
    expect(new LearningInsight({ ...base, kind: 'custom', metric: 'm', evidence: { n: 1 } }).evidence).toEqual({ n: 1 });
  });
});

describe('validateRecord on an array', () => {
  it('says a record is an object, not that the name is missing', () => {
    expect(() => validateRecord([] as never)).toThrow(/record must be an object \{ name, value, timestamp\?, metadata\? \}, got an array/);
  });
});
