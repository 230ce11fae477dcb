import { describe, expect, it } from 'vitest';
import { checkBudgets, parsePolicy } from '../../src/insights/policy.js';

const code = (message: string) => expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining(message) });

describe('parsePolicy', () => {
  it('reads the guide’s automation_policy.yaml performance block', () => {
    const p = parsePolicy({ performance: { test_duration_max: 60, build_time_max: 300, cache_size: 100 } });
    expect(p.metrics).toEqual({ test_duration: { max: 60 }, build_time: { max: 300 } });
    expect(p.settings).toEqual({ cache_size: 100 });
    expect(Object.isFrozen(p.metrics)).toBe(true);
  });

  it('reads _min budgets and a metrics: section, merging both', () => {
    const p = parsePolicy({
      performance: { coverage_percent_min: 80 },
      metrics: { coverage_percent: { direction: 'higher', tolerance: 0.01 }, api_latency_users: { max: 0.5, min_samples: 8 } },
      ci: { provider: 'github' },
    });
    expect(p.metrics.coverage_percent).toEqual({ min: 80, direction: 'higher', tolerance: 0.01 });
    expect(p.metrics.api_latency_users).toEqual({ max: 0.5, minSamples: 8 });
  });

  it('treats undefined and null as the empty policy', () => {
    expect(parsePolicy(undefined)).toEqual({ metrics: {}, settings: {} });
    expect(parsePolicy(null)).toEqual({ metrics: {}, settings: {} });
    expect(parsePolicy({ performance: null })).toEqual({ metrics: {}, settings: {} });
  });

  it.each([
    [[], 'policy must be an object'],
    [{ performance: 60 }, 'performance'],
    [{ performance: { test_duration_max: '60s' } }, 'performance.test_duration_max'],
    [{ performance: { test_duration_max: Number.POSITIVE_INFINITY } }, 'performance.test_duration_max'],
    [{ metrics: [] }, 'metrics'],
    [{ metrics: { x: 5 } }, 'metrics.x'],
    [{ metrics: { x: { maximum: 5 } } }, 'metrics.x.maximum'],
    [{ metrics: { x: { direction: 'up' } } }, 'metrics.x.direction'],
    [{ metrics: { x: { tolerance: -1 } } }, 'metrics.x.tolerance'],
    [{ metrics: { x: { minSamples: 2 } } }, 'metrics.x.minSamples'],
    [{ performance: { x_min: 5, x_max: 4 } }, 'min (5) is greater than max (4)'],
    [{ performance: { x_max: 5 }, metrics: { x: { max: 6 } } }, 'metrics.x.max'],
  ])('rejects %j naming the key', (input, key) => {
    expect(() => parsePolicy(input)).toThrow(code(key));
  });

  it('accepts the same bound given twice with the same value', () => {
    expect(parsePolicy({ performance: { x_max: 5 }, metrics: { x: { max: 5 } } }).metrics.x).toEqual({ max: 5 });
  });
});

describe('checkBudgets', () => {
  const policy = parsePolicy({ performance: { test_duration_max: 60, coverage_percent_min: 80, build_time_max: 300 } });

  it('reports breaches of latest values, worst first; the limit itself passes', () => {
    const breaches = checkBudgets({ test_duration: 72, coverage_percent: 79, build_time: 300 }, policy);
    expect(breaches).toEqual([
      { metric: 'test_duration', bound: 'max', limit: 60, value: 72, excess: 12, relativeExcess: 0.2 },
      { metric: 'coverage_percent', bound: 'min', limit: 80, value: 79, excess: 1, relativeExcess: 1 / 80 },
    ]);
  });

  it('skips metrics without a value', () => {
    expect(checkBudgets({}, policy)).toEqual([]);
  });

  it('reads the newest record from a tracker', async () => {
    const records: Record<string, { value: number; timestamp: number }[]> = { test_duration: [{ value: 50, timestamp: 1 }, { value: 61, timestamp: 2 }] };
    const tracker = {
      getMetrics: async (name: string, filter?: { order?: 'asc' | 'desc'; limit?: number }) => {
        const list = [...(records[name] ?? [])];
        if (filter?.order === 'desc') list.reverse();
        return list.slice(0, filter?.limit ?? list.length);
      },
    };
    expect(await checkBudgets(tracker, policy)).toEqual([{ metric: 'test_duration', bound: 'max', limit: 60, value: 61, excess: 1, relativeExcess: 1 / 60, timestamp: 2 }]);
  });
});
