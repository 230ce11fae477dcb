import { describe, expect, it } from 'vitest';
import { createPolarityRegistry } from '../../src/insights/polarity.js';
import { checkBudgets, parsePolicy } from '../../src/insights/policy.js';

describe('parsePolicy and polarity overrides: undefined values and prototype names', () => {
  it('an undefined budget or setting is left out, as in every options object (it was INVALID_ARGUMENT)', () => {
    const max = undefined as number | undefined; // e.g. process.env.TEST_MAX ? Number(process.env.TEST_MAX) : undefined
    const policy = parsePolicy({
      performance: { test_duration_max: max, build_time_max: 300, cache_size: undefined },
      metrics: { coverage_percent: { min: 80, tolerance: undefined }, api_latency_users: undefined },
    });
    expect(policy.metrics).toEqual({ build_time: { max: 300 }, coverage_percent: { min: 80 } });
    expect(policy.settings).toEqual({});
    expect(checkBudgets({ test_duration: 1000, build_time: 301 }, policy).map((b) => b.metric)).toEqual(['build_time']);
    // Left out under metrics:, so not "set twice with different values".
    expect(parsePolicy({ performance: { build_time_max: 300 }, metrics: { build_time: { max: undefined } } }).metrics.build_time).toEqual({ max: 300 });
    // null and wrong types are still refused.
    expect(() => parsePolicy({ performance: { test_duration_max: null } })).toThrow(/performance\.test_duration_max: must be a finite number, got null/);
    expect(() => parsePolicy({ metrics: { x: { max: '60s' } } })).toThrow(/metrics\.x\.max: must be a finite number, got "60s"/);
  });

  it('direction "constructor" or "toString" is refused (it became Object.prototype’s function)', () => {
    for (const direction of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => parsePolicy({ metrics: { x: { direction } } })).toThrow(/metrics\.x\.direction: must be "lower", "higher" or "neutral"/);
    }
    expect(parsePolicy({ metrics: { x: { direction: 'higher-is-better' } } }).metrics.x!.direction).toBe('higher');
  });

  it('an undefined polarity override is no override', () => {
    const registry = createPolarityRegistry({ test_duration: undefined as never, bundle_kb: 'higher' });
    expect(registry.polarityOf('test_duration')).toBe('lower');
    expect(registry.sourceOf('test_duration')).toBe('builtin');
    expect(registry.polarityOf('bundle_kb')).toBe('higher');
    expect(() => createPolarityRegistry({ x: 'up' as never })).toThrow(/polarity must be "lower", "higher" or "neutral", got "up"/);
  });
});
