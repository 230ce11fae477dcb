import { describe, expect, it } from 'vitest';
import { policyWarnings } from '../src/internal/tracker.js';

describe('policyWarnings', () => {
  it('flags a misspelt section and budget-like keys that are kept as settings', () => {
    expect(policyWarnings({ performanc: { test_duration_max: 1 } })).toEqual(['top-level key "performanc" is ignored; did you mean "performance:"?']);
    expect(policyWarnings({ metric: {} })).toEqual(['top-level key "metric" is ignored; did you mean "metrics:"?']);
    expect(policyWarnings({ performance: { test_duration_maxx: 60, build_time_maximum: 300, coverage_percent_mn: 80 } })).toEqual([
      '"performance.test_duration_maxx" is kept as a setting, not a budget; budgets end in _max or _min (e.g. test_duration_max)',
      '"performance.build_time_maximum" is kept as a setting, not a budget; budgets end in _max or _min (e.g. build_time_max)',
      '"performance.coverage_percent_mn" is kept as a setting, not a budget; budgets end in _max or _min (e.g. coverage_percent_min)',
    ]);
  });

  it('flags a percentage budget outside 0–100', () => {
    expect(policyWarnings({ performance: { coverage_percent_min: 180, cpu_percent_max: -1, coverage_branches_percent_min: 80 } })).toEqual([
      '"performance.coverage_percent_min: 180" is outside 0–100 for a percentage, so it can never be met',
      '"performance.cpu_percent_max: -1" is outside 0–100 for a percentage, so it can never be met',
    ]);
    expect(policyWarnings({ performance: { cpu_percent_max: 150 } })).toEqual(['"performance.cpu_percent_max: 150" is outside 0–100 for a percentage, so it can never be broken']);
  });

  it('is quiet on a correct policy, on settings and on other tools\' sections', () => {
    expect(policyWarnings({ performance: { test_duration_max: 60, coverage_percent_min: 80, cache_size: 100 }, metrics: {}, deployment: { auto: true }, security: {} })).toEqual([]);
    expect(policyWarnings(null)).toEqual([]);
    expect(policyWarnings([1])).toEqual([]);
  });
});
