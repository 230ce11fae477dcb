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

  it('is quiet on a correct policy, on settings and on other tools\' sections', () => {
    expect(policyWarnings({ performance: { test_duration_max: 60, coverage_percent_min: 80, cache_size: 100 }, metrics: {}, deployment: { auto: true }, security: {} })).toEqual([]);
    expect(policyWarnings(null)).toEqual([]);
    expect(policyWarnings([1])).toEqual([]);
  });
});
