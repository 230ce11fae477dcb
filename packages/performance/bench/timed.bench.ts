// Overhead of timing a no-op call. Each iteration makes CALLS calls; ns/call = 1e9 / (hz × CALLS).
import { bench, describe } from 'vitest';
import { createHistogram } from 'node:perf_hooks';
import { Histogram, Registry } from 'prom-client';
import { PerformanceMonitor } from '../src/performance-monitor.js';
import { timed } from '../src/timed.js';

const CALLS = 1_000;
const options = { time: 300, warmupTime: 100 };
let sink = 0;
// Read once, as `timed` does: in Node 20 the global `performance` is an accessor, slow to look up per call.
const perf = globalThis.performance;
function noop(x: number): number {
  return x + 1;
}

describe('timed around a no-op', () => {
  bench(
    'floor: call + 2× process.hrtime.bigint()',
    () => {
      for (let i = 0; i < CALLS; i++) {
        const t0 = process.hrtime.bigint();
        sink = noop(i);
        sink += Number(process.hrtime.bigint() - t0) & 1;
      }
    },
    options,
  );
  bench(
    'floor: call + 2× performance.now()',
    () => {
      for (let i = 0; i < CALLS; i++) {
        const t0 = perf.now();
        sink = noop(i);
        sink += perf.now() - t0 > 1 ? 1 : 0;
      }
    },
    options,
  );
  const monitor = PerformanceMonitor.isolated();
  const ours = timed('noop', { monitor })(noop);
  bench(
    '@autodev/performance timed (feeds percentiles)',
    () => {
      for (let i = 0; i < CALLS; i++) sink = ours(i);
    },
    options,
  );
  const registry = new Registry();
  const h = new Histogram({ name: 'noop_seconds', help: 'noop', registers: [registry] });
  bench(
    'prom-client Histogram.startTimer()',
    () => {
      for (let i = 0; i < CALLS; i++) {
        const end = h.startTimer();
        sink = noop(i);
        end();
      }
    },
    options,
  );
  const ph = createHistogram();
  bench(
    'perf_hooks createHistogram().record() + hrtime.bigint',
    () => {
      for (let i = 0; i < CALLS; i++) {
        const t0 = process.hrtime.bigint();
        sink = noop(i);
        ph.record(process.hrtime.bigint() - t0 || 1n);
      }
    },
    options,
  );
});

export { sink };
