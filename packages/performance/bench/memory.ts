// Bytes per entry of each LRU at 100,000 integer entries (keys 0..99,999, small-integer values), and the
// bounded memory of a monitor's per-name sketch. Needs --expose-gc:
//   node --expose-gc --import tsx bench/memory.ts
import { LRUCache as LruCache } from 'lru-cache';
import { LRUCache as MnemonistLru } from 'mnemonist';
import QuickLRU from 'quick-lru';
import { DDSketch } from '@datadog/sketches-js';
import { SimpleCache } from '../src/simple-cache.js';
import { PerformanceMonitor } from '../src/performance-monitor.js';
import { lognormal, zipfStream } from './support.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) {
  console.error('run with node --expose-gc');
  process.exit(2);
}
const N = 100_000;

// The measured structure lives only in `holder`, which is emptied before each baseline, so the previous
// repetition's structure can never linger in a stack slot and hide this one's size.
const holder: { value: unknown } = { value: undefined };
function measureOnce(build: () => unknown): number {
  holder.value = undefined;
  gc!();
  gc!();
  // Typed-array backing stores live outside the JS heap: count `external` too.
  const used = (): number => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const before = used();
  holder.value = build();
  gc!();
  gc!();
  return used() - before;
}
function heapDelta(build: () => unknown): number {
  const samples: number[] = [];
  for (let rep = 0; rep < 5; rep++) samples.push(measureOnce(build));
  holder.value = undefined;
  return samples.sort((a, b) => a - b)[2]!;
}

interface Setter {
  set(k: number | string, v: number): unknown;
}
const strKeys = Array.from({ length: N }, (_, i) => `user:${i}`);
// The LRU bench's 100k integer column: a Zipf 0.99 stream over 0..999,999, read-through. An index that
// depends on the key range (object elements) can grow well past what keys 0..99,999 show.
const zipfKeys = zipfStream(10 * N, 0.99, 1 << 20, 42);
const impls: Record<string, () => Setter> = {
  '@autodev/performance SimpleCache': () => new SimpleCache<number | string, number>({ maxSize: N }),
  'mnemonist LRUCache': () => new MnemonistLru<number | string, number>(N),
  'lru-cache': () => new LruCache<number | string, number>({ max: N }),
  'quick-lru': () => new QuickLRU<number | string, number>({ maxSize: N }),
};

console.log(
  `| LRU at ${N.toLocaleString('en-US')} entries | bytes/entry, integer keys | bytes/entry, string keys (keys not counted) | bytes/entry after the bench's Zipf stream over 0..999,999 |`,
);
console.log('|---|---:|---:|---:|');
for (const [name, make] of Object.entries(impls)) {
  const ints = heapDelta(() => {
    const c = make();
    for (let i = 0; i < N; i++) c.set(i, i);
    return c;
  });
  const strs = heapDelta(() => {
    const c = make();
    for (let i = 0; i < N; i++) c.set(strKeys[i]!, i);
    return c;
  });
  const zipf = heapDelta(() => {
    const c = make() as Setter & { get(k: number): number | undefined };
    for (let i = 0; i < zipfKeys.length; i++) if (c.get(zipfKeys[i]!) === undefined) c.set(zipfKeys[i]!, i);
    return c;
  });
  console.log(`| ${name} | ${(ints / N).toFixed(1)} | ${(strs / N).toFixed(1)} | ${(zipf / N).toFixed(1)} |`);
}

// Monitor memory per operation name stays bounded as samples grow.
const values = lognormal(1_000_000, Math.log(0.01), 1, 5);
console.log('\n| per-name quantile state after 1,000,000 lognormal samples (heap + external) | bytes |');
console.log('|---|---:|');
// Warm the code paths first so compiled code and feedback are not counted as state.
PerformanceMonitor.isolated().recordOperation('warm', 1);
for (const [name, make] of Object.entries({
  '@autodev/performance monitor (one name)': (n: number) => {
    const m = PerformanceMonitor.isolated();
    for (let i = 0; i < n; i++) m.recordOperation('op', values[i]!);
    return m;
  },
  '@datadog/sketches-js DDSketch(1%)': (n: number) => {
    const s = new DDSketch({ relativeAccuracy: 0.01 });
    for (let i = 0; i < n; i++) s.accept(values[i]!);
    return s;
  },
})) {
  make(1_000);
  console.log(`| ${name} | ${heapDelta(() => make(1_000_000))} |`);
}
const probe = PerformanceMonitor.isolated();
for (let i = 0; i < 1_000_000; i++) probe.recordOperation('op', values[i]!);
const buckets = probe.recorder('op').sketch.bucketBytes;
console.log(`\nour bucket array after 1,000,000 samples: ${buckets} B (${buckets / 8} buckets; bound ${2048 * 8} B per name)`);
