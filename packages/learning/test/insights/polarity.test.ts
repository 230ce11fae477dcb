import { describe, expect, it } from 'vitest';
import { createPolarityRegistry, inferPolarity, judgeChange, metricNameTokens, polarityOf } from '../../src/insights/polarity.js';

describe('polarity', () => {
  it.each([
    ['test_duration', 'lower'],
    ['build_time', 'lower'],
    ['memory_usage', 'lower'],
    ['api_latency', 'lower'],
    ['api_latency_users', 'lower'],
    ['lint_errors', 'lower'],
    ['coverage_percent', 'higher'],
  ] as const)('knows the guide’s metric %s (%s is better)', (name, expected) => {
    expect(polarityOf(name)).toBe(expected);
    expect(createPolarityRegistry().sourceOf(name)).toBe('builtin');
  });

  it.each([
    ['e2e_duration_seconds', 'lower'],
    ['startupTime', 'lower'],
    ['db_query_latency_p99', 'lower'],
    ['type_errors', 'lower'],
    ['heap_memory', 'lower'],
    ['bundle_size', 'lower'],
    ['branch_coverage', 'higher'],
    ['lighthouse_score', 'higher'],
    ['parser_throughput', 'higher'],
    ['json_parse_ops', 'higher'],
    ['cache_hit_rate', 'higher'],
    ['cache_miss_rate', 'lower'],
  ] as const)('infers %s → %s from its name', (name, expected) => {
    expect(inferPolarity(name)).toBe(expected);
    expect(createPolarityRegistry().sourceOf(name)).toBe('inferred');
  });

  it('calls unknown names neutral', () => {
    expect(polarityOf('deploys')).toBe('neutral');
    expect(createPolarityRegistry().sourceOf('deploys')).toBe('unknown');
  });

  it('lets overrides win, with prefixes and the longest prefix first', () => {
    const r = createPolarityRegistry({ coverage_percent: 'neutral', 'api_latency_batch*': 'neutral', deploys: 'higher' });
    expect(r.polarityOf('coverage_percent')).toBe('neutral');
    expect(r.polarityOf('api_latency_batch_export')).toBe('neutral');
    expect(r.polarityOf('api_latency_users')).toBe('lower');
    expect(r.polarityOf('deploys')).toBe('higher');
    expect(r.sourceOf('deploys')).toBe('override');
    expect(r.with({ deploys: 'lower' }).polarityOf('deploys')).toBe('lower');
    expect(r.polarityOf('deploys')).toBe('higher');
  });

  it('rejects a bad override naming it', () => {
    expect(() => createPolarityRegistry({ x: 'up' as 'lower' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('"x"') }));
  });

  it('splits names into tokens', () => {
    expect(metricNameTokens('apiLatency_p99-ms')).toEqual(['api', 'latency', 'p99', 'ms']);
  });

  it('judges changes by polarity', () => {
    expect(judgeChange('lower', 'increase')).toBe('worse');
    expect(judgeChange('lower', 'decrease')).toBe('better');
    expect(judgeChange('higher', 'increase')).toBe('better');
    expect(judgeChange('higher', 'decrease')).toBe('worse');
    expect(judgeChange('neutral', 'increase')).toBe('neutral');
  });
});
