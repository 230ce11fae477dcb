// Raw record throughput on seeded lognormal latencies (median 10 ms). Each iteration records SAMPLES
// values; samples/s = hz × SAMPLES. Ours includes the name lookup (recordOperation(name, seconds)).
import { bench, describe } from 'vitest';
import { createHistogram } from 'node:perf_hooks';
import { DDSketch } from '@datadog/sketches-js';
import * as hdr from 'hdr-histogram-js';
import { PerformanceMonitor } from '../src/performance-monitor.js';
import { lognormal } from './support.js';

const SAMPLES = 10_000;
const options = { time: 300, warmupTime: 100 };
const seconds = lognormal(SAMPLES, Math.log(0.01), 1, 11);
// Integer peers record nanoseconds.
const nanos = seconds.map((s) => Math.max(1, Math.round(s * 1e9)));

await hdr.initWebAssembly();

describe('record one duration', () => {
  const monitor = PerformanceMonitor.isolated();
  bench(
    '@autodev/performance recordOperation(name, seconds)',
    () => {
      for (let i = 0; i < SAMPLES; i++) monitor.recordOperation('db_query', seconds[i]!);
    },
    options,
  );
  const recorder = monitor.recorder('db_query_direct');
  bench(
    '@autodev/performance recorder.record(seconds) (no name lookup)',
    () => {
      for (let i = 0; i < SAMPLES; i++) recorder.record(seconds[i]!);
    },
    options,
  );
  const dd = new DDSketch({ relativeAccuracy: 0.01 });
  bench(
    '@datadog/sketches-js DDSketch(1%).accept',
    () => {
      for (let i = 0; i < SAMPLES; i++) dd.accept(seconds[i]!);
    },
    options,
  );
  const h = hdr.build({ useWebAssembly: true, lowestDiscernibleValue: 1, highestTrackableValue: 3.6e12, numberOfSignificantValueDigits: 2 });
  bench(
    'hdr-histogram-js (WASM, 2 digits).recordValue',
    () => {
      for (let i = 0; i < SAMPLES; i++) h.recordValue(nanos[i]!);
    },
    options,
  );
  const ph = createHistogram();
  bench(
    'perf_hooks createHistogram().record',
    () => {
      for (let i = 0; i < SAMPLES; i++) ph.record(nanos[i]!);
    },
    options,
  );
});
