import type { Clock } from '../clock.js';

/** One memoized result, also a node of the recency list. */
export interface MemoNode {
  value: unknown;
  expiresAt: number;
  newer: MemoNode | null;
  older: MemoNode | null;
  /** Map holding this node (single-key index or the trie's last level). */
  owner: Map<unknown, MemoNode>;
  /** Key of this node inside `owner`. */
  key: unknown;
  /** Arguments of a multi-argument call, to prune empty trie levels on removal; null for single keys. */
  path: unknown[] | null;
  /**
   * True while the node is in this store's recency list. A late rejection must not unlink a node that
   * `clear()` already dropped: its links point into the old list, and unlinking it would empty the new one.
   */
  linked: boolean;
}

// -0 and 0 are one key for Map (SameValueZero) but can give different results (1 / x); keep them apart.
const NEGATIVE_ZERO = Symbol('-0');
export const normalizeKey = (k: unknown): unknown => (k === 0 && 1 / (k as number) < 0 ? NEGATIVE_ZERO : k);

/**
 * The store behind `cached`: an exact LRU over object nodes, indexed either by one key (a single argument,
 * or the `key` option's result) or by a trie of Maps, one level per argument position (rooted by arity),
 * so argument tuples are compared element by element with SameValueZero (objects by identity), never by a
 * lossy string join: f(1, "2"), f("1", 2) and f("1,2") are three keys.
 */
export class MemoStore {
  readonly single = new Map<unknown, MemoNode>();
  // Index = number of arguments; the root of that arity's trie.
  private roots: (Map<unknown, unknown> | undefined)[] = [];
  private newest: MemoNode | null = null;
  private oldest: MemoNode | null = null;
  size = 0;
  hits = 0;
  misses = 0;
  evictions = 0;

  constructor(
    readonly maxSize: number,
    readonly ttlMs: number | undefined,
    readonly clock: Clock,
  ) {}

  /** The live node for a single key, or undefined. Counts a hit or a miss. */
  getSingle(key: unknown): MemoNode | undefined {
    const node = this.single.get(key);
    return node === undefined ? this.miss() : this.touch(node);
  }

  /** The live node for an argument list, or undefined. Counts a hit or a miss. */
  getPath(args: ArrayLike<unknown>): MemoNode | undefined {
    let level = this.roots[args.length];
    if (level === undefined) return this.miss();
    const last = args.length - 1;
    for (let i = 0; i < last; i++) {
      level = level.get(normalizeKey(args[i])) as Map<unknown, unknown> | undefined;
      if (level === undefined) return this.miss();
    }
    const node = level.get(last < 0 ? undefined : normalizeKey(args[last])) as MemoNode | undefined;
    return node === undefined ? this.miss() : this.touch(node);
  }

  /** Inserts a result for a single key (after a miss). */
  addSingle(key: unknown, value: unknown): MemoNode {
    return this.link({ value, expiresAt: 0, newer: null, older: null, owner: this.single, key, path: null, linked: false });
  }

  /** Inserts a result for an argument list (after a miss). */
  addPath(args: ArrayLike<unknown>, value: unknown): MemoNode {
    let level = this.roots[args.length];
    if (level === undefined) this.roots[args.length] = level = new Map();
    const last = args.length - 1;
    const path: unknown[] = [];
    for (let i = 0; i < last; i++) {
      const k = normalizeKey(args[i]);
      path.push(k);
      let child = level.get(k) as Map<unknown, unknown> | undefined;
      if (child === undefined) level.set(k, (child = new Map()));
      level = child;
    }
    const key = last < 0 ? undefined : normalizeKey(args[last]);
    // Zero arguments have a single root-level entry: nothing to prune.
    const prunePath = last < 0 ? null : path;
    return this.link({ value, expiresAt: 0, newer: null, older: null, owner: level as Map<unknown, MemoNode>, key, path: prunePath, linked: false });
  }

  /** Removes a node if it is still present (e.g. a rejected promise). */
  remove(node: MemoNode): void {
    if (node.linked) this.unlink(node);
  }

  clear(): void {
    // Mark every node as gone, so a promise that rejects after clear() leaves the new list alone.
    for (let n = this.newest; n !== null; n = n.older) n.linked = false;
    this.single.clear();
    this.roots = [];
    this.newest = null;
    this.oldest = null;
    this.size = 0;
  }

  private miss(): undefined {
    this.misses++;
    return undefined;
  }

  private touch(node: MemoNode): MemoNode | undefined {
    if (this.ttlMs !== undefined && node.expiresAt <= this.clock.now()) {
      this.unlink(node);
      return this.miss();
    }
    this.hits++;
    if (node !== this.newest) {
      // Detach (node is not the newest, so node.newer is set) and push at the front.
      const newer = node.newer!;
      const older = node.older;
      newer.older = older;
      if (older === null) this.oldest = newer;
      else older.newer = newer;
      node.newer = null;
      node.older = this.newest;
      this.newest!.newer = node;
      this.newest = node;
    }
    return node;
  }

  private link(node: MemoNode): MemoNode {
    const now = this.ttlMs === undefined ? 0 : this.clock.now();
    if (this.ttlMs !== undefined) node.expiresAt = now + this.ttlMs;
    // Index the new node before evicting: evicting a sibling must not prune the trie level it goes into.
    const previous = node.owner.get(node.key);
    node.owner.set(node.key, node);
    // A reentrant call (fn calling itself with the same key) stored a node while this one was computed:
    // replace it, or it would stay in the list, take a slot and later delete this node's index entry.
    if (previous !== undefined) this.unlink(previous);
    node.linked = true;
    if (this.size >= this.maxSize && this.oldest !== null) {
      const oldest = this.oldest;
      // Like SimpleCache: dropping an expired result is not an eviction (stats.evictions counts live ones).
      if (this.ttlMs === undefined || oldest.expiresAt > now) this.evictions++;
      this.unlink(oldest);
    }
    node.older = this.newest;
    if (this.newest !== null) this.newest.newer = node;
    else this.oldest = node;
    this.newest = node;
    this.size++;
    return node;
  }

  private unlink(node: MemoNode): void {
    const { newer, older } = node;
    if (newer === null) this.newest = older;
    else newer.older = older;
    if (older === null) this.oldest = newer;
    else older.newer = newer;
    node.newer = node.older = null;
    node.linked = false;
    // Only drop the index entry if it is this node's (a replaced node no longer owns it).
    if (node.owner.get(node.key) === node) node.owner.delete(node.key);
    this.size--;
    if (node.path !== null && node.owner.size === 0) this.prune(node.path);
  }

  // Drops trie levels left empty, so memory follows the live entries and not every tuple ever seen.
  private prune(path: unknown[]): void {
    const arity = path.length + 1;
    const chain: Map<unknown, unknown>[] = [];
    let level = this.roots[arity];
    for (const k of path) {
      if (level === undefined) return;
      chain.push(level);
      level = level.get(k) as Map<unknown, unknown> | undefined;
    }
    for (let i = chain.length - 1; i >= 0; i--) {
      const parent = chain[i]!;
      const child = parent.get(path[i]) as Map<unknown, unknown> | undefined;
      if (child !== undefined && child.size === 0) parent.delete(path[i]);
      else return;
    }
    if (chain[0]?.size === 0) this.roots[arity] = undefined;
  }
}
