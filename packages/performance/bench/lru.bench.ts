// LRU under a Zipf(0.99) key stream over 10x the capacity: 90% get / 10% set, a missed get is followed by
// a set (read-through). Each bench iteration runs OPS operations; ops/s = hz × OPS.
import { bench, describe } from 'vitest';
import { LRUCache as LruCache } from 'lru-cache';
import { LRUCache as MnemonistLru } from 'mnemonist';
import QuickLRU from 'quick-lru';
import { SimpleCache } from '../src/simple-cache.js';
import { rng, zipfStream } from './support.js';

const OPS = 10_000;
const STREAM = 1 << 20;
const options = { time: 300, warmupTime: 100 };

// Runs first in each group would otherwise pay for the previous group's garbage (vitest.config.ts passes --expose-gc).
const collectGarbage = (): void => (globalThis as { gc?: () => void }).gc?.();

interface LruLike<K> {
  get(k: K): number | undefined;
  set(k: K, v: number): unknown;
}

// Each cache gets its own copy of the loop (compiled from source), so no implementation pays for call
// sites made megamorphic by the others.
const LOOP = `
  let pos = 0;
  return function run(cache) {
    let p = pos;
    for (let i = 0; i < OPS; i++) {
      const k = keys[p];
      if (isGet[p] === 1) {
        if (cache.get(k) === undefined) cache.set(k, p);
      } else cache.set(k, p);
      p = (p + 1) & MASK;
    }
    pos = p;
  };`;
function workload<K>(keys: readonly K[], isGet: Uint8Array): (cache: LruLike<K>) => void {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('keys', 'isGet', 'OPS', 'MASK', LOOP)(keys, isGet, OPS, STREAM - 1) as (cache: LruLike<K>) => void;
}

for (const capacity of [1_000, 100_000]) {
  const ids = zipfStream(capacity * 10, 0.99, STREAM, 42);
  const r = rng(7);
  const isGet = new Uint8Array(STREAM).map(() => (r() < 0.9 ? 1 : 0));
  const intKeys = Array.from(ids);
  // Realistic string keys, built once (as keys from a request would be): `user:<id>`.
  const strKeys = intKeys.map((id) => `user:${id}`);
  for (const [label, keys] of [
    ['integer', intKeys],
    ['string', strKeys],
  ] as const) {
    describe(`LRU ${capacity} entries, ${label} keys, Zipf 0.99, 90% get / 10% set`, () => {
      const make: Record<string, () => LruLike<number | string>> = {
        '@autodev/performance SimpleCache': () => new SimpleCache<number | string, number>({ maxSize: capacity }),
        'mnemonist LRUCache': () => new MnemonistLru<number | string, number>(capacity),
        'lru-cache': () => new LruCache<number | string, number>({ max: capacity }),
        'quick-lru': () => new QuickLRU<number | string, number>({ maxSize: capacity }),
      };
      for (const [name, create] of Object.entries(make)) {
        let cache: LruLike<number | string> | undefined;
        const run = workload<number | string>(keys, isGet);
        bench(name, () => run(cache!), {
          ...options,
          // Built and warmed to steady state (one pass of the stream) right before its run, and dropped
          // after, so no cache's garbage is collected during another's run.
          setup: () => {
            collectGarbage();
            cache = create();
            for (let i = 0; i < STREAM / OPS; i++) run(cache);
            collectGarbage();
          },
          teardown: () => {
            cache = undefined;
          },
        });
      }
    });
  }
}
