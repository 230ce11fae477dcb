import { describe, expect, it } from 'vitest';
import { compareSamples, detectAnomalies, detectChangePoints, detectDrift, detectRegression, forecast } from '../../src/index.js';

const series = Array.from({ length: 40 }, (_, i) => 10 + (i % 3) / 10);

describe('detection functions check their options', () => {
  it('take null as "no options", like undefined', () => {
    expect(detectChangePoints(series, null)).toEqual(detectChangePoints(series));
    expect(detectRegression(series, null)).toEqual(detectRegression(series));
    expect(detectAnomalies(series, null)).toEqual(detectAnomalies(series));
    expect(detectDrift(series, null)).toEqual(detectDrift(series));
    const { stepsUntil: _a, ...withNull } = forecast(series, null); // a closure: equal behaviour, not equal by reference
    const { stepsUntil: _b, ...without } = forecast(series);
    expect(withNull).toEqual(without);
    expect(compareSamples(series.slice(0, 10), series.slice(10, 20), null)).toEqual(compareSamples(series.slice(0, 10), series.slice(10, 20)));
  });

  it('refuse a misspelt or snake_case key instead of falling back to its default', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => detectChangePoints(series, { min_segment_length: 3 } as never), /detectChangePoints: unknown option "min_segment_length"; did you mean minSegmentLength\?/],
      [() => detectRegression(series, { min_baseline: 5 } as never), /detectRegression: unknown option "min_baseline"; did you mean minBaseline\?/],
      [() => detectAnomalies(series, { treshold: 3 } as never), /detectAnomalies: unknown option "treshold"; did you mean threshold\? \(options: recent, window, minBaseline, threshold\)/],
      [() => detectDrift(series, { windw: 5 } as never), /detectDrift: unknown option "windw"/],
      [() => forecast(series, { horizons: 5 } as never), /forecast: unknown option "horizons"/],
      [() => compareSamples([1, 2, 3], [4, 5, 6], { confidence_level: 0.9 } as never), /compareSamples: unknown option "confidence_level"; did you mean confidenceLevel\?/],
      [() => detectAnomalies(series, 5 as never), /detectAnomalies: options must be an object/],
    ];
    for (const [call, message] of cases) expect(call).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) }));
  });
});
