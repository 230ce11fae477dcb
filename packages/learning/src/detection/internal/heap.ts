import { midpoint } from './numeric.js';

/** Binary heap ordered by `before(a, b)` ("a comes out before b"); ties leave the existing order alone. */
export class BinaryHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly before: (a: T, b: T) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  /** The item that `pop` would return. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const h = this.items;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(h[i]!, h[parent]!)) break;
      [h[parent], h[i]] = [h[i]!, h[parent]!];
      i = parent;
    }
  }

  pop(): T | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.before(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.before(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Median of the values pushed so far, in O(log n) per push: a max-heap holds the lower half, a min-heap the
 * upper half. Gives the same number as `sortedMedian` of the sorted values (the two middle values averaged).
 */
export class RunningMedian {
  private readonly lower = new BinaryHeap<number>((a, b) => a > b);
  private readonly upper = new BinaryHeap<number>((a, b) => a < b);

  push(x: number): void {
    if (this.lower.size === 0 || x <= this.lower.peek()!) this.lower.push(x);
    else this.upper.push(x);
    if (this.lower.size > this.upper.size + 1) this.upper.push(this.lower.pop()!);
    else if (this.upper.size > this.lower.size) this.lower.push(this.upper.pop()!);
  }

  /** NaN when nothing was pushed. */
  median(): number {
    if (this.lower.size === 0) return Number.NaN;
    return this.lower.size > this.upper.size ? this.lower.peek()! : midpoint(this.lower.peek()!, this.upper.peek()!);
  }
}
