/**
 * A hash table from int32 keys to slot numbers `0 .. capacity - 1`, held entirely in two `Int32Array`s: no
 * per-entry JS objects, nothing for the GC to trace, and no tombstones or rehashes under churn (what makes
 * a `Map` or a dictionary object slow as an LRU index). Separate chaining through the slots themselves:
 * `heads[bucket]` is the first slot of a bucket and `nodes[2s + 1]` the next slot in the same bucket, next to
 * the slot's key `nodes[2s]` so one cache line serves both while walking a chain. Each slot is in at most
 * one chain, so the table never needs more than `capacity` nodes, and removal is an unlink.
 *
 * Buckets: a power of two ≥ the capacity (load ≤ 1), picked by Fibonacci hashing — multiply by 2³²/φ and
 * keep the top bits (Knuth, TAOCP vol. 3, §6.4) — so sequential or strided keys spread over all buckets.
 */
export class IntSlotTable {
  private readonly heads: Int32Array;
  private readonly nodes: Int32Array;
  private readonly shift: number;

  /** `minBuckets` only lets tests force long chains; the default keeps the load ≤ 1. */
  constructor(capacity: number, minBuckets = capacity) {
    // At least 2 buckets: `>>> 32` would be `>>> 0` in JS and index far outside the table.
    let bits = 1;
    while (2 ** bits < minBuckets) bits++;
    this.shift = 32 - bits;
    this.heads = new Int32Array(2 ** bits).fill(-1);
    this.nodes = new Int32Array(2 * capacity);
  }

  private bucket(key: number): number {
    return Math.imul(key, 0x9e3779b9) >>> this.shift;
  }

  /** The slot of `key` (an int32), or -1. */
  find(key: number): number {
    const nodes = this.nodes;
    let s = this.heads[this.bucket(key)]!;
    while (s !== -1 && nodes[2 * s] !== key) s = nodes[2 * s + 1]!;
    return s;
  }

  /** Records `key` (an int32 not in the table) at slot `s` (a slot not in the table). */
  insert(key: number, s: number): void {
    const b = this.bucket(key);
    this.nodes[2 * s] = key;
    this.nodes[2 * s + 1] = this.heads[b]!;
    this.heads[b] = s;
  }

  /** The key stored at slot `s` (which must be in the table). */
  keyAt(s: number): number {
    return this.nodes[2 * s]!;
  }

  /** Unlinks slot `s` (which must be in the table) from its bucket. */
  remove(s: number): void {
    const nodes = this.nodes;
    const b = this.bucket(nodes[2 * s]!);
    let at = this.heads[b]!;
    if (at === s) {
      this.heads[b] = nodes[2 * s + 1]!;
      return;
    }
    // Chains average under one other slot at load ≤ 1, so finding the predecessor is a short walk.
    while (nodes[2 * at + 1] !== s) at = nodes[2 * at + 1]!;
    nodes[2 * at + 1] = nodes[2 * s + 1]!;
  }

  /** Empties the table. */
  clear(): void {
    this.heads.fill(-1);
  }
}
