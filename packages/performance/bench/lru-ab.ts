// Paired A/B of SimpleCache against every LRU peer (mnemonist, lru-cache, quick-lru) on the LRU bench's
// workload (Zipf 0.99 stream over 10× the capacity, 90% get / 10% set, a missed get followed by a set) in
// all four columns: capacity 1k and 100k × integer and `user:<id>` string keys. Without vitest: one
// process, every cache warmed for a full pass of the stream, then REPS timed passes of 2²⁰ operations in
// which the order of the caches rotates (the VM is shared, so load drifts between passes). Each pass
// gives one paired ratio per peer — peer time ÷ our time, > 1 = SimpleCache faster — and the ratio
// against the fastest peer of that pass; the median and min–max over passes are printed.
//   node --expose-gc --import tsx bench/lru-ab.ts
//   REPS=15 COLUMN=1k-int node --expose-gc --import tsx bench/lru-ab.ts   (COLUMN: 1k-int, 1k-str, 100k-int, 100k-str)
//   CAPACITIES=10000,30000 node --expose-gc --import tsx bench/lru-ab.ts     (other capacities than the 1k / 100k)
import { LRUCache as LruCache } from 'lru-cache';
import { LRUCache as MnemonistLru } from 'mnemonist';
import QuickLRU from 'quick-lru';
import { SimpleCache } from '../src/simple-cache.js';
import { rng, zipfStream } from './support.js';

const STREAM = 1 << 20;
const REPS = Number(process.env.REPS ?? 11);
const gc = (globalThis as { gc?: () => void }).gc;

interface LruLike {
  get(k: number | string): number | undefined;
  set(k: number | string, v: number): unknown;
}

// One compiled copy of the loop per cache, so none pays for call sites made polymorphic by the others.
const LOOP = `
  let pos = 0;
  return function run(cache) {
    let p = pos;
    for (let i = 0; i < MASK + 1; i++) {
      const k = keys[p];
      if (isGet[p] === 1) {
        if (cache.get(k) === undefined) cache.set(k, p);
      } else cache.set(k, p);
      p = (p + 1) & MASK;
    }
    pos = p;
  };`;

const median = (a: readonly number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const fmt = (xs: readonly number[]): string =>
  `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)})`;

const peers: Record<string, (capacity: number) => LruLike> = {
  mnemonist: (c) => new MnemonistLru<number | string, number>(c),
  'lru-cache': (c) => new LruCache<number | string, number>({ max: c }),
  'quick-lru': (c) => new QuickLRU<number | string, number>({ maxSize: c }),
};
const contenders: Record<string, (capacity: number) => LruLike> = {
  SimpleCache: (c) => new SimpleCache<number | string, number>({ maxSize: c }),
  ...peers,
};
const names = Object.keys(contenders);

console.log(`LRU A/B, ${REPS} passes of ${STREAM} ops per column; ratio = peer time ÷ SimpleCache time (> 1 = ours faster)\n`);
console.log('| column | SimpleCache Mops/s | mnemonist | lru-cache | quick-lru | ÷ mnemonist | ÷ lru-cache | ÷ quick-lru | ÷ fastest peer, median (min–max) |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
const capacities = process.env.CAPACITIES?.split(',').map(Number) ?? [1_000, 100_000];
for (const capacity of capacities) {
  const ids = zipfStream(capacity * 10, 0.99, STREAM, 42);
  const r = rng(7);
  const isGet = new Uint8Array(STREAM).map(() => (r() < 0.9 ? 1 : 0));
  for (const kind of ['int', 'str'] as const) {
    const column = `${capacity / 1000}k-${kind}`;
    if (process.env.COLUMN !== undefined && process.env.COLUMN !== column) continue;
    // String keys are built once, as keys from a request would be: `user:<id>`.
    const keys: (number | string)[] = kind === 'int' ? Array.from(ids) : Array.from(ids, (id) => `user:${id}`);
    const caches = names.map((n) => contenders[n]!(capacity));
    const runs = names.map(
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      () => new Function('keys', 'isGet', 'MASK', LOOP)(keys, isGet, STREAM - 1) as (c: LruLike) => void,
    );
    names.forEach((_, i) => runs[i]!(caches[i]!));
    const ms: number[][] = names.map(() => []);
    for (let rep = 0; rep < REPS; rep++) {
      for (let j = 0; j < names.length; j++) {
        const i = (j + rep) % names.length;
        // A collection before each pass, so no cache pays for another's garbage.
        gc?.();
        const t0 = performance.now();
        runs[i]!(caches[i]!);
        ms[i]!.push(performance.now() - t0);
      }
    }
    const mops = ms.map((t) => (STREAM / median(t) / 1e3).toFixed(1));
    const ratios = ms.slice(1).map((peer) => peer.map((t, rep) => t / ms[0]![rep]!));
    const vsFastest = ms[0]!.map((_, rep) => Math.min(...ratios.map((rs) => rs[rep]!)));
    console.log(`| ${column} | ${mops.join(' | ')} | ${ratios.map(fmt).join(' | ')} | **${fmt(vsFastest)}** |`);
  }
}
if (!gc) console.log('\n(run with --expose-gc to collect garbage between passes)');
