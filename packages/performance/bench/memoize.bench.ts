// Memoize hit path over 1,000 distinct argument tuples (all cached). ns/call = 1e9 / (hz × CALLS).
import { createRequire } from 'node:module';
import { bench, describe } from 'vitest';
import { cached } from '../src/cached.js';
import { rng } from './support.js';

// The three peers are CommonJS (memoizee has no types); require them as plain functions.
type Memo = <F extends (...args: never[]) => unknown>(fn: F, options?: Record<string, unknown>) => F;
const require = createRequire(import.meta.url);
const fastMemoize = require('fast-memoize') as Memo;
const memoizee = require('memoizee') as Memo;
const moize = require('moize') as Memo;

const CALLS = 1_000;
const options = { time: 300, warmupTime: 100 };
const r = rng(3);
const nums = Array.from({ length: CALLS }, () => Math.floor(r() * 1e6));
const strs = nums.map((n) => `s${n % 977}`);

function one(x: number): number {
  return x * 2;
}
function two(x: number, s: string): number {
  return x + s.length;
}

describe('memoize hit, 1 number argument, 1,000 distinct', () => {
  const impls: Record<string, (x: number) => number> = {
    '@autodev/performance cached (maxSize 1000)': cached({ maxSize: 1000 })(one),
    'fast-memoize (unbounded)': fastMemoize(one),
    'memoizee primitive (unbounded)': memoizee(one, { primitive: true }),
    'moize (maxSize 1000)': moize(one, { maxSize: 1000 }),
  };
  for (const [name, f] of Object.entries(impls)) {
    for (const n of nums) f(n);
    bench(
      name,
      () => {
        for (let i = 0; i < CALLS; i++) f(nums[i]!);
      },
      options,
    );
  }
});

describe('memoize hit, number + string arguments, 1,000 distinct', () => {
  const impls: Record<string, (x: number, s: string) => number> = {
    '@autodev/performance cached (maxSize 1000)': cached({ maxSize: 1000 })(two),
    'memoizee primitive (unbounded)': memoizee(two, { primitive: true }),
    'moize (maxSize 1000)': moize(two, { maxSize: 1000 }),
    'fast-memoize (unbounded, JSON key)': fastMemoize(two),
  };
  for (const [name, f] of Object.entries(impls)) {
    for (let i = 0; i < CALLS; i++) f(nums[i]!, strs[i]!);
    bench(
      name,
      () => {
        for (let i = 0; i < CALLS; i++) f(nums[i]!, strs[i]!);
      },
      options,
    );
  }
});
