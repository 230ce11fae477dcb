import { describe, expect, it } from 'vitest';
import { FeedbackLoop } from '../../src/insights/feedback-loop.js';
import { MetricsTracker } from '../../src/metrics-tracker.js';

describe('suggestOptimizations context keys', () => {
  it("refuses the guide's Python spelling task_type with a did-you-mean (its advice was silently dropped)", async () => {
    const loop = new FeedbackLoop(new MetricsTracker());
    await expect(loop.suggestOptimizations({ task_type: 'refactoring', complexity: 'high' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/context key "task_type": did you mean taskType\?/) as unknown,
    });
    const ok = await loop.suggestOptimizations({ taskType: 'refactoring', complexity: 'high', branch: 'main', ticket_id: 'X-1' });
    expect(ok.some((s) => s.reason.startsWith('A refactoring should change no behaviour'))).toBe(true);
    expect(await loop.suggestOptimizations({ taskType: undefined, complexity: undefined })).toHaveLength(1);
  });
});
