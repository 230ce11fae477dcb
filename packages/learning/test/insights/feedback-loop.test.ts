import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { detectAnomalies } from '../../src/detection/anomalies.js';
import { decideFinding, FeedbackLoop, FINDING_METRIC, OUTCOME_TESTS } from '../../src/insights/feedback-loop.js';
import { adjustConfidence } from '../../src/insights/reliability.js';
import { builtinInsightsFor } from '../../src/insights/insight-engine.js';
import { parsePolicy } from '../../src/insights/policy.js';
import { gauss, memoryTracker, noisy } from './helpers.js';

function setup(options: ConstructorParameters<typeof FeedbackLoop>[1] = {}) {
  const tracker = memoryTracker();
  let clock = 1_700_000_000_000;
  const loop = new FeedbackLoop(tracker, { now: () => (clock += 60_000), ...options });
  return { tracker, loop };
}

/** Feeds `values` of one metric, one iteration each, and returns the insights of every iteration. */
async function feed(loop: FeedbackLoop, metric: string, values: readonly number[]) {
  const out = [];
  for (const v of values) out.push(await loop.evaluateIteration({ [metric]: v }));
  return out;
}

describe('FeedbackLoop.evaluateIteration', () => {
  it('records every metric of an iteration with one timestamp and the metadata', async () => {
    const { tracker, loop } = setup();
    await loop.evaluateIteration({ test_duration: 12.5, coverage_percent: 95.0, lint_errors: 0 }, { branch: 'main' });
    const records = (await tracker.getMetrics()).filter((r) => !r.name.startsWith('autodev.'));
    expect(records.map((r) => r.name).sort()).toEqual(['coverage_percent', 'lint_errors', 'test_duration']);
    expect(new Set(records.map((r) => r.timestamp)).size).toBe(1);
    expect(records.every((r) => r.metadata.branch === 'main')).toBe(true);
  });

  it('writes nothing when one value is bad', async () => {
    const { tracker, loop } = setup();
    await expect(loop.evaluateIteration({ test_duration: 12.5, coverage_percent: Number.NaN })).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    await expect(loop.evaluateIteration({ 'autodev.finding': 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(loop.evaluateIteration(null as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await tracker.getMetrics()).toEqual([]);
  });

  it('returns lint errors and budget breaches at once, and a regression against history', async () => {
    const { loop } = setup({ policy: parsePolicy({ performance: { test_duration_max: 11.5 } }) });
    expect((await loop.evaluateIteration({ lint_errors: 2 })).map((i) => i.kind)).toEqual(['lint-errors']);
    await feed(loop, 'test_duration', noisy(30, 10, 0.02, 1));
    const rounds = await feed(loop, 'test_duration', [12, 12.1, 11.9, 12.2]);
    // Facts first (confidence 1), whatever the statistics say about the first high point.
    expect(rounds[0]![0]!.kind).toBe('budget-breach');
    expect(rounds[3]!.map((i) => i.kind)).toEqual(['budget-breach', 'regression']);
    expect(rounds[3]![1]!.confidence).toBeGreaterThanOrEqual(0.8);
  });

  it('rejects bad options', () => {
    const tracker = memoryTracker();
    expect(() => new FeedbackLoop(tracker as never, { confirmAfter: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new FeedbackLoop(tracker as never, { minConfidence: 2 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new FeedbackLoop(tracker as never, { priorStrength: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => new FeedbackLoop({} as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('FeedbackLoop learns from outcomes', () => {
  it('confirms a step that persists', async () => {
    const { loop } = setup();
    await feed(loop, 'test_duration', noisy(30, 10, 0.02, 2));
    await feed(loop, 'test_duration', noisy(4, 12, 0.02, 3));
    // The first high point raised an anomaly; three high follow-ups showed the level stayed, so it is refuted.
    expect((await loop.history({ outcome: 'pending' })).map((f) => f.kind)).toEqual(['regression']);
    await feed(loop, 'test_duration', noisy(3, 12, 0.02, 4));
    const h = await loop.history({ metric: 'test_duration' });
    const shift = h.find((f) => f.family === 'shift')!;
    expect(shift).toMatchObject({ kind: 'regression', direction: 'increase', outcome: 'confirmed' });
    expect(shift.followUpMedian).toBeCloseTo(12, 0);
    expect(h.find((f) => f.family === 'anomaly' && f.flagged > 11)).toMatchObject({ outcome: 'refuted' });
    expect(loop.reliability('test_duration')).toMatchObject({ resolved: 1, confirmed: 1 });
  });

  it('refutes steps that revert and shrinks the confidence of the next one on that metric', async () => {
    const { loop } = setup();
    // Short baseline and reverts keep every Mann–Whitney test in its exact range (n ≤ 50).
    await feed(loop, 'api_latency', noisy(15, 100, 0.02, 5));
    const confidences: number[] = [];
    const shiftsApplied: number[] = [];
    for (let cycle = 0; cycle < 4; cycle++) {
      // Each blip is higher than the last, so earlier blips in the baseline cannot mask it.
      const rounds = await feed(loop, 'api_latency', noisy(4, 120 + 10 * cycle, 0.01, 10 + cycle));
      const reg = rounds.flat().find((i) => i.kind === 'regression');
      expect(reg, `cycle ${cycle}`).toBeDefined();
      confidences.push(reg!.confidence);
      shiftsApplied.push(Number(reg!.evidence.logOddsShift ?? 0));
      if (cycle > 0) expect(reg!.confidence).toBeLessThan(Number(reg!.evidence.statisticalConfidence));
      await feed(loop, 'api_latency', noisy(6, 100, 0.02, 20 + cycle));
    }
    const shifts = (await loop.history({ metric: 'api_latency' })).filter((f) => f.family === 'shift');
    // One finding per blip at least (a blip can also be reported by the change point fallback in a round where the
    // regression test did not fire, which the loop records separately), and every one of them is refuted by the revert.
    expect(shifts.length).toBeGreaterThanOrEqual(4);
    expect(shifts.every((f) => f.outcome === 'refuted')).toBe(true);
    // Each refutation pushes the next finding's log-odds further down; the evidence keeps the statistical confidence.
    expect(shiftsApplied[0]).toBe(0);
    for (let k = 1; k < shiftsApplied.length; k++) expect(shiftsApplied[k]!).toBeLessThan(shiftsApplied[k - 1]!);
    expect(shiftsApplied.at(-1)!).toBeLessThan(-1);
    const r = loop.reliability('api_latency', 'shift');
    expect(r).toMatchObject({ resolved: shifts.length, confirmed: 0, refuted: shifts.length });
    expect(r.outcomeShift).toBeLessThan(-1);
    // Never below what a refutation itself proves: P(real | c, refuted) = (1 − β)·c / (1 − e(c)).
    const { sensitivity: b, falseConfirmation: a } = OUTCOME_TESTS.shift;
    const c = 0.99;
    expect(adjustConfidence(c, r)).toBeGreaterThan(((1 - b) * c) / (1 - (b * c + a * (1 - c))) - 1e-9);
    // Another metric is untouched by api_latency's noise.
    expect(loop.reliability('test_duration', 'shift').resolved).toBe(0);
  });

  it('keeps what it learned across loops on the same tracker (persistence)', async () => {
    const { tracker, loop } = setup();
    await feed(loop, 'build_time', noisy(30, 100, 0.02, 6));
    await feed(loop, 'build_time', noisy(4, 130, 0.01, 7));
    await feed(loop, 'build_time', noisy(3, 100, 0.02, 8));
    const before = await loop.history();
    expect(before.some((f) => f.outcome === 'refuted')).toBe(true);
    expect((await tracker.getMetrics(FINDING_METRIC)).length).toBeGreaterThan(0);
    const again = new FeedbackLoop(tracker);
    expect(await again.history()).toEqual(before);
    expect(again.reliability('build_time', 'shift')).toEqual(loop.reliability('build_time', 'shift'));
    const ephemeral = new FeedbackLoop(tracker, { persist: false });
    expect(await ephemeral.history()).toEqual([]);
  });
});

describe('FeedbackLoop does not over-trust anomalies that noise confirms', () => {
  /** Student t noise (3 df: heavy tails, so |robust z| ≥ 3.5 every ~30 runs) around 100, scale 2. */
  function heavyTailed(n: number, seed: number): number[] {
    const g = gauss(seed);
    return Array.from({ length: n }, () => {
      const z = g();
      const chi = g() ** 2 + g() ** 2 + g() ** 2;
      return 100 + (2 * z) / Math.sqrt(chi / 3);
    });
  }
  const { sensitivity: b, falseConfirmation: a } = OUTCOME_TESTS.anomaly;
  /** P(real | c, confirmed): the most a confirmation can prove about a finding stated at c. */
  const ceiling = (c: number) => (b * c) / (b * c + a * (1 - c));

  it('a stable noisy metric fed for 200 runs does not end with a 4σ point near 0.99', async () => {
    const { loop } = setup({ minConfidence: 0 });
    const values = heavyTailed(200, 31);
    const reported: { confidence: number; statistical: number }[] = [];
    for (const v of values)
      for (const i of await loop.evaluateIteration({ build_time: v }))
        if (i.kind === 'anomaly' && i.evidence.confirmed !== true) reported.push({ confidence: i.confidence, statistical: Number(i.evidence.statisticalConfidence ?? i.confidence) });
    const findings = (await loop.history({ metric: 'build_time' })).filter((f) => f.family === 'anomaly' && f.outcome !== 'pending');
    // The noise came back every time but (at most) one: exactly what inflated the old success rate.
    expect(findings.length).toBeGreaterThanOrEqual(8);
    expect(findings.filter((f) => f.outcome === 'confirmed').length).toBeGreaterThanOrEqual(findings.length - 1);
    // No anomaly was ever reported above what its confirmation could prove.
    for (const r of reported) expect(r.confidence).toBeLessThanOrEqual(ceiling(r.statistical) + 1e-9);
    // A point 4 robust σ out: the detector says ≈ 0.02; the loop may add at most the factor β / α ≈ 1.2.
    const window = values.slice(-30).sort((x, y) => x - y);
    const med = (window[14]! + window[15]!) / 2;
    const spread = window.map((x) => Math.abs(x - med)).sort((x, y) => x - y);
    const mad = 1.4826 * ((spread[14]! + spread[15]!) / 2);
    const next = (await loop.evaluateIteration({ build_time: med + 4 * mad })).find((i) => i.kind === 'anomaly')!;
    expect(Number(next.evidence.score)).toBeCloseTo(4, 1);
    const statistical = Number(next.evidence.statisticalConfidence ?? next.confidence);
    expect(statistical).toBeLessThan(0.05);
    expect(next.confidence).toBeLessThanOrEqual(ceiling(statistical) + 1e-9);
    expect(next.confidence).toBeLessThan(0.05);
  });

  it('still lowers anomalies on a metric whose outliers keep turning out to be level shifts', async () => {
    const { loop } = setup({ minConfidence: 0 });
    let level = 100;
    const statisticals: number[] = [];
    const reported: number[] = [];
    await feed(loop, 'bundle_size', noisy(20, level, 0.01, 40));
    for (let k = 0; k < 4; k++) {
      // A step: its first run is flagged as an outlier, and the next runs stay at the new level.
      level *= 1.15;
      const [first] = await feed(loop, 'bundle_size', noisy(12, level, 0.01, 41 + k));
      const a = first!.find((i) => i.kind === 'anomaly');
      if (!a) continue;
      statisticals.push(Number(a.evidence.statisticalConfidence ?? a.confidence));
      reported.push(a.confidence);
    }
    const refuted = (await loop.history({ metric: 'bundle_size' })).filter((f) => f.family === 'anomaly' && f.outcome === 'refuted');
    expect(refuted.length).toBeGreaterThanOrEqual(2);
    expect(reported).toHaveLength(4);
    // Each step's outlier is trusted less than the last, relative to what the detector said.
    const ratio = reported.map((r, k) => r / statisticals[k]!);
    for (let k = 2; k < ratio.length; k++) expect(ratio[k]!).toBeLessThan(ratio[k - 1]!);
    expect(ratio.at(-1)!).toBeLessThan(0.85);
    expect(loop.reliability('bundle_size', 'anomaly').outcomeShift).toBeLessThan(0);
  });
});

describe('FeedbackLoop pools what it learned across metrics', () => {
  it('a metric without outcomes of its own starts from the other metrics’ record, and its own record wins later', async () => {
    const { loop } = setup({ minConfidence: 0 });
    await feed(loop, 'api_latency', noisy(15, 100, 0.02, 50));
    for (let cycle = 0; cycle < 3; cycle++) {
      await feed(loop, 'api_latency', noisy(4, 120 + 10 * cycle, 0.01, 51 + cycle));
      await feed(loop, 'api_latency', noisy(6, 100, 0.02, 55 + cycle));
    }
    const noisyMetric = loop.reliability('api_latency', 'shift');
    expect(noisyMetric.outcomeShift).toBeLessThan(0);
    // A metric the loop has seen no outcome of is pulled the same way, less far.
    const fresh = loop.reliability('test_duration', 'shift');
    expect(fresh.resolved).toBe(0);
    expect(fresh.outcomeShift).toBeLessThan(0);
    expect(fresh.outcomeShift).toBeGreaterThan(noisyMetric.outcomeShift);
    // Another family is untouched.
    expect(loop.reliability('test_duration', 'trend').outcomeShift).toBe(0);
    const rounds = await feed(loop, 'test_duration', [...noisy(30, 10, 0.02, 60), ...noisy(4, 13, 0.01, 61)]);
    const reg = rounds.flat().find((i) => i.kind === 'regression')!;
    expect(reg.evidence).toMatchObject({ resolvedFindings: 0, pooledFindings: noisyMetric.resolved });
    expect(reg.confidence).toBeLessThan(Number(reg.evidence.statisticalConfidence));
  });
});

describe('FeedbackLoop and confirmed anomalies', () => {
  it('settles the spike’s finding as confirmed when the next run is back, without a second finding', async () => {
    const { tracker, loop } = setup();
    await feed(loop, 'build_time', noisy(30, 100, 0.02, 30));
    const [spike, back, after] = await feed(loop, 'build_time', [150, 100.3, 99.8]);
    const raised = spike!.find((i) => i.kind === 'anomaly');
    expect(raised).toMatchObject({ evidence: { confirmed: false, value: 150 } });
    const settled = back!.find((i) => i.kind === 'anomaly');
    expect(settled).toMatchObject({ evidence: { confirmed: true, value: 150, nextValue: 100.3 } });
    expect(settled!.description).toMatch(/^run 31 of build_time was a one-off spike: 150 .*; the next run was back at 100\.3$/);
    // Against the spike's statistical confidence as the newest run (the loop may have recalibrated the one it returned).
    expect(settled!.confidence).toBeGreaterThan(Number(raised!.evidence.statisticalConfidence ?? raised!.confidence));
    // Reported as settled once: the run after that says nothing more about it.
    expect(after!.filter((i) => i.kind === 'anomaly')).toEqual([]);
    const spikes = (await loop.history({ metric: 'build_time' })).filter((f) => f.family === 'anomaly' && f.flagged === 150);
    expect(spikes).toHaveLength(1);
    const stamps = (await tracker.getMetrics('build_time')).map((r) => r.timestamp);
    // Decided one run later (not after confirmAfter = 3), by the run that came back.
    expect(spikes[0]).toMatchObject({ outcome: 'confirmed', raisedAt: stamps[30], resolvedAt: stamps[31], followUpMedian: 100.3 });
    expect(loop.reliability('build_time', 'anomaly')).toMatchObject({ confirmed: expect.any(Number) });
    // The settlement is stored, so a new loop on the same tracker sees it.
    expect(await new FeedbackLoop(tracker).history()).toEqual(await loop.history());
  });

  it('suggests nothing for a spike that is over', async () => {
    const { loop } = setup();
    await feed(loop, 'build_time', [...noisy(30, 100, 0.02, 32), 150]);
    expect((await loop.suggestOptimizations({})).some((x) => x.metric === 'build_time')).toBe(true);
    await loop.evaluateIteration({ build_time: 100.1 });
    expect((await loop.suggestOptimizations({})).filter((x) => x.metric === 'build_time')).toEqual([]);
  });

  it('does not recalibrate a settled spike by what it learned about unsettled anomalies', async () => {
    const { tracker, loop } = setup({ minConfidence: 0 });
    // Stored anomaly findings on build_time, all refuted (the level stayed): new anomaly confidences are pulled down.
    for (let k = 0; k < 4; k++) {
      const finding = { id: `old-${k}`, metric: 'build_time', kind: 'anomaly', family: 'anomaly', direction: 'increase', raisedAt: k, baseline: 100, flagged: 130, statisticalConfidence: 0.8, confidence: 0.8, description: 'old', outcome: 'pending' };
      await tracker.recordMetric(FINDING_METRIC, 0.8, { event: 'raised', id: finding.id, metric: 'build_time', finding } as never, { timestamp: 10 * k });
      await tracker.recordMetric(FINDING_METRIC, 0.8, { event: 'resolved', id: finding.id, metric: 'build_time', outcome: 'refuted' } as never, { timestamp: 10 * k + 1 });
    }
    const values = [...noisy(30, 100, 0.02, 31), 150, 100.2];
    const rounds = await feed(loop, 'build_time', values);
    const raised = rounds[30]!.find((i) => i.kind === 'anomaly')!;
    expect(raised.confidence).toBeLessThan(Number(raised.evidence.statisticalConfidence));
    const settled = rounds[31]!.find((i) => i.kind === 'anomaly')!;
    expect(settled.evidence).toMatchObject({ confirmed: true, value: 150 });
    expect(settled.evidence.statisticalConfidence).toBeUndefined();
    expect(settled.confidence).toBe(builtinInsightsFor('build_time', values).find((i) => i.evidence.confirmed === true)!.confidence);
    expect((await loop.history({ metric: 'build_time' })).filter((f) => f.flagged === 150)).toMatchObject([{ outcome: 'confirmed' }]);
  });
});

describe('decideFinding', () => {
  const shift = { family: 'shift' as const, direction: 'increase' as const, baseline: 10, flagged: 12 };
  it('confirms a shift whose follow-up stays past the midpoint, refutes one that reverts', () => {
    expect(decideFinding(shift, [11.8, 12.1, 11.5])).toBe('confirmed');
    expect(decideFinding(shift, [10.2, 12.5, 10.1])).toBe('refuted');
    expect(decideFinding({ ...shift, direction: 'decrease', flagged: 8 }, [8.1, 7.9, 8])).toBe('confirmed');
  });
  it('confirms a trend only when the follow-up is 3/4 of the way to the claimed level', () => {
    const trend = { ...shift, family: 'trend' as const };
    // The window's centre level (11) is what no drift predicts: not a confirmation.
    expect(decideFinding(trend, [11, 11.2, 10.9])).toBe('refuted');
    expect(decideFinding(trend, [11.6, 11.8, 12.3])).toBe('confirmed');
    expect(decideFinding({ ...trend, direction: 'decrease', flagged: 8 }, [8.4, 8.3, 8.6])).toBe('confirmed');
  });
  it('confirms an anomaly when the level returns, refutes it when the level stays', () => {
    const anomaly = { ...shift, family: 'anomaly' as const, flagged: 30 };
    expect(decideFinding(anomaly, [10, 10.2, 9.9])).toBe('confirmed');
    expect(decideFinding(anomaly, [29, 31, 30])).toBe('refuted');
  });
});

describe('FeedbackLoop.suggestOptimizations', () => {
  it('puts history going the wrong way first, with the metric and its numbers, then context advice', async () => {
    const { loop } = setup({ policy: parsePolicy({ performance: { build_time_max: 300 } }) });
    await feed(loop, 'test_duration', [...noisy(30, 10, 0.02, 9), ...noisy(5, 13, 0.01, 10)]);
    await loop.evaluateIteration({ build_time: 320, coverage_percent: 71 });
    const s = await loop.suggestOptimizations({ taskType: 'refactoring', complexity: 'high' });
    const rank = { high: 0, medium: 1, low: 2 };
    for (let k = 1; k < s.length; k++) expect(rank[s[k - 1]!.priority]).toBeLessThanOrEqual(rank[s[k]!.priority]);
    expect(s[0]).toMatchObject({ priority: 'high', metric: 'build_time', category: 'budget' });
    const reg = s.find((x) => x.metric === 'test_duration')!;
    expect(reg.priority).toBe('high');
    expect(reg.reason).toMatch(/test_duration rose \+\d+% .*median \d+(\.\d+)? → 1[23]/);
    expect(s.some((x) => x.action.startsWith('Split the work') && x.priority === 'medium')).toBe(true);
    expect(s.find((x) => x.action.startsWith('Record test_duration and coverage_percent before and after'))?.reason).toContain('coverage_percent is 71 now');
  });

  it('keeps suggesting a confirmed regression that has not recovered, and stops once it has', async () => {
    const { loop } = setup();
    await feed(loop, 'test_duration', [...noisy(30, 10, 0.02, 13), ...noisy(15, 13, 0.01, 14)]);
    // Fifteen runs later the new level is the baseline: no current insight, but the confirmed finding stands.
    const s = await loop.suggestOptimizations({});
    expect(s[0]).toMatchObject({ metric: 'test_duration', category: 'performance' });
    expect(s[0]!.reason).toMatch(/test_duration rose from \d+(\.\d+)? to 1[23](\.\d+)? \(\+\d+%\), confirmed by 3 follow-up runs .* still at 1[234]/);
    await feed(loop, 'test_duration', noisy(5, 10, 0.02, 15));
    expect((await loop.suggestOptimizations({})).some((x) => x.reason.includes('confirmed by'))).toBe(false);
  });

  it('answers from context alone when there is no history, and rejects a bad complexity', async () => {
    const { loop } = setup();
    const s = await loop.suggestOptimizations({ taskType: 'bugfix', complexity: 'low' });
    expect(s.map((x) => x.priority)).toEqual(['medium', 'low']);
    expect(s[0]!.action).toContain('failing test');
    expect(s[1]!.action).toContain('Record metrics');
    await expect(loop.suggestOptimizations({ complexity: 'extreme' as 'high' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('does not suggest acting on an improvement', async () => {
    const { loop } = setup();
    await feed(loop, 'coverage_percent', [...noisy(30, 80, 0.01, 11), ...noisy(5, 90, 0.005, 12)]);
    const s = await loop.suggestOptimizations({});
    expect(s.filter((x) => x.metric === 'coverage_percent')).toEqual([]);
  });
});

describe('decideFinding invariants', () => {
  // Spikes of 3–300 spreads either way, next runs mostly near the baseline (so the detector often confirms),
  // sometimes anywhere (so the boundary cases come up too).
  const spikeCase = fc.tuple(
    fc.array(fc.double({ min: 90, max: 110, noNaN: true }), { minLength: 8, maxLength: 40 }),
    fc.constantFrom(1, -1),
    fc.double({ min: 30, max: 3000, noNaN: true }),
    fc.oneof(fc.double({ min: 95, max: 105, noNaN: true }), fc.double({ min: -3000, max: 3000, noNaN: true })),
  );
  test.prop([spikeCase])(
    'agrees with the detector: a run it confirms as a one-off spike is confirmed by its next run alone',
    ([base, sign, size, next]) => {
      const values = [...base, 100 + sign * size, next];
      const a = detectAnomalies(values, { recent: 2 }).find((x) => x.index === values.length - 2 && x.confirmed);
      if (!a) return;
      const f = { family: 'anomaly' as const, direction: a.direction > 0 ? ('increase' as const) : ('decrease' as const), baseline: a.expected, flagged: a.value };
      expect(decideFinding(f, [next])).toBe('confirmed');
    },
  );

  const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });
  test.prop([fc.constantFrom('shift', 'trend', 'anomaly' as const), finite, finite, fc.array(finite, { minLength: 1, maxLength: 7 })])(
    'mirroring every level (x → −x) mirrors the direction and keeps the outcome',
    (family, baseline, flagged, followUp) => {
      fc.pre(baseline !== flagged);
      const direction = flagged > baseline ? ('increase' as const) : ('decrease' as const);
      const mirrored = { family: family as 'shift', direction: direction === 'increase' ? ('decrease' as const) : ('increase' as const), baseline: -baseline, flagged: -flagged };
      expect(decideFinding(mirrored, followUp.map((x) => -x))).toBe(decideFinding({ family: family, direction, baseline, flagged }, followUp));
    },
  );
});
