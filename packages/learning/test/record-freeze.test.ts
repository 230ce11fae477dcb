import { describe, expect, it } from 'vitest';
import { createMemoryStore, MetricsTracker } from '../src/index.js';

describe('records are immutable once validated', () => {
  it('a caller cannot change stored metadata through a returned record or its input', async () => {
    const tracker = new MetricsTracker({ storage: createMemoryStore() });
    const input = { suite: 'unit', tags: ['a'], nested: { k: 1 } };
    await tracker.recordMetric('test_duration', 1, input);
    input.suite = 'changed';
    const [r] = await tracker.getMetrics('test_duration');
    expect(r!.metadata).toEqual({ suite: 'unit', tags: ['a'], nested: { k: 1 } });
    expect(() => {
      (r!.metadata as { suite: string }).suite = 'x';
    }).toThrow(TypeError);
    expect(() => (r!.metadata['tags'] as string[]).push('b')).toThrow(TypeError);
    const [again] = await tracker.getMetrics('test_duration');
    expect(again!.metadata).toEqual({ suite: 'unit', tags: ['a'], nested: { k: 1 } });
  });
});
