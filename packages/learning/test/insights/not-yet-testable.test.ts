import { describe, expect, it } from 'vitest';
import { MetricsTracker } from '../../src/metrics-tracker.js';

// A user test recorded 5–14 runs of a real slowdown and got no insight at all, not even "not enough data":
// that note stopped at minSamples (5), while trends need 8 points, anomalies 9 and a step 10 (5 on each side).
async function insightsFor(values: number[]) {
  // Stored order is timestamp order: a counter clock keeps it the order given (Date.now can step back under NTP).
  let clock = 1_700_000_000_000;
  const t = new MetricsTracker({ now: () => (clock += 1000) });
  for (const v of values) await t.recordMetric('build_time', v);
  return t.generateInsights({ minConfidence: 0 });
}
const steady = (n: number) => Array.from({ length: n }, (_, i) => 100 + (i % 3));

describe('insufficient-data note between minSamples and what every check needs', () => {
  it('says which checks ran and when the others can, with the numbers', async () => {
    const [six] = await insightsFor(steady(6));
    expect(six).toMatchObject({ kind: 'insufficient-data', confidence: 0, evidence: { n: 6, trendMinPoints: 8, anomalyMinPoints: 9, regressionMinPoints: 10, missing: 4 } });
    expect(six!.description).toBe(
      'build_time has 6 points: too few for any check; trend checks from 8 points (2 more), anomaly checks from 9 points (3 more), regression checks from 10 points (4 more) — a step shows once it has held for 5 runs after 5 steady ones',
    );
    const [nine] = await insightsFor([...steady(5), 130, 131, 130, 131]);
    expect(nine!.description).toMatch(/^build_time has 9 points: trend and anomaly checks ran and found nothing; regression checks from 10 points \(1 more\)/);
  });

  it('is not added once a check reports, nor once every check can run', async () => {
    // 9 steady runs and a spike: the anomaly is the news, no note beside it.
    const spiked = await insightsFor([...steady(9), 250]);
    expect(spiked.map((i) => i.kind)).toEqual(['anomaly']);
    expect(await insightsFor(steady(10))).toEqual([]);
  });

  it('gives the minimum the rules really have: a step held for 5 runs after 5 steady ones is reported at 10 points', async () => {
    const [step] = await insightsFor([...steady(5), 130, 131, 130, 131, 130]);
    expect(step).toMatchObject({ kind: 'regression', evidence: { changeIndex: 5 } });
    expect(step!.confidence).toBeGreaterThan(0.8);
  });
});
