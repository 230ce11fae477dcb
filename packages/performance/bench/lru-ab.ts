// Standalone A/B of SimpleCache against mnemonist's LRUCache on integer keys (the LRU bench's Zipf 0.99
// stream, 90% get / 10% set, read-through), without vitest: one process, both caches warmed for a full
// stream pass, then REPS timed passes alternating which cache goes first (the VM is shared, so load
// drifts between passes). Prints the median and best ratio per capacity; > 1 means SimpleCache is faster.
//   node --import tsx bench/lru-ab.ts            (add --cpu-prof to profile; ONLY=ours|mnemonist times one)
import { LRUCache as MnemonistLru } from 'mnemonist';
import { SimpleCache } from '../src/simple-cache.js';
import { rng, zipfStream } from './support.js';

const STREAM = 1 << 20;
const REPS = 9;

interface LruLike {
  get(k: number): number | undefined;
  set(k: number, v: number): unknown;
}

// One compiled copy of the loop per cache, so neither pays for call sites made polymorphic by the other.
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

const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1]!;

for (const capacity of [1_000, 100_000]) {
  const keys = Array.from(zipfStream(capacity * 10, 0.99, STREAM, 42));
  const r = rng(7);
  const isGet = new Uint8Array(STREAM).map(() => (r() < 0.9 ? 1 : 0));
  const contenders = {
    ours: new SimpleCache<number, number>({ maxSize: capacity }) as LruLike,
    mnemonist: new MnemonistLru<number, number>(capacity) as LruLike,
  };
  const names = Object.keys(contenders) as (keyof typeof contenders)[];
  const runs = Object.fromEntries(
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    names.map((n) => [n, new Function('keys', 'isGet', 'MASK', LOOP)(keys, isGet, STREAM - 1) as (c: LruLike) => void]),
  ) as Record<keyof typeof contenders, (c: LruLike) => void>;
  for (const n of names) runs[n](contenders[n]);
  const ms: Record<string, number[]> = { ours: [], mnemonist: [] };
  for (let rep = 0; rep < REPS; rep++) {
    for (const n of rep % 2 === 0 ? names : [...names].reverse()) {
      if (process.env.ONLY !== undefined && process.env.ONLY !== n) continue;
      const t0 = performance.now();
      runs[n](contenders[n]);
      ms[n]!.push(performance.now() - t0);
    }
  }
  const mops = (n: string): string => ((STREAM / median(ms[n]!)) / 1e3).toFixed(1);
  if (process.env.ONLY !== undefined) {
    console.log(`${capacity} entries: ${process.env.ONLY} ${mops(process.env.ONLY)} Mops/s`);
    continue;
  }
  console.log(
    `${capacity} entries, integer keys: SimpleCache ${mops('ours')} Mops/s, mnemonist ${mops('mnemonist')} Mops/s, ` +
      `ratio median ${(median(ms.mnemonist!) / median(ms.ours!)).toFixed(2)}, best ${(Math.min(...ms.mnemonist!) / Math.min(...ms.ours!)).toFixed(2)}`,
  );
}
