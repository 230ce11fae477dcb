// Merge sort that counts strict inversions, the workhorse of the O(n log n) Kendall S statistic
// and of Theil–Sen slope selection. Internal: the public functions validate their input.

/**
 * Receives every strict inversion (a before b, key[a] > key[b]) in batches: `leftIdx[from..from+count)`
 * are the elements a paired with element `b`. Used to sample or enumerate inversions in the same pass.
 */
export interface InversionVisitor {
  visit(b: number, leftIdx: Int32Array, from: number, count: number): void;
}

const INSERTION_RUN = 24;

/**
 * Sorts `keys` ascending (stable) carrying `idx` along, and returns the number of strict
 * inversions of the input order (pairs p < q with keys[p] > keys[q]). Both arrays are sorted in
 * place; `tmpKeys` / `tmpIdx` are scratch of the same length. O(n log n).
 * @see W. R. Knight, "A computer method for calculating Kendall's tau with ungrouped data",
 * JASA 61 (1966) 436–439 (counting discordant pairs by merge sort).
 */
export function sortCountInversions(
  keys: Float64Array,
  idx: Int32Array,
  tmpKeys: Float64Array,
  tmpIdx: Int32Array,
  visitor?: InversionVisitor,
): number {
  const n = keys.length;
  let inversions = 0;
  // Insertion sort small runs: fewer passes, and inversions inside a run are adjacent shifts.
  for (let lo = 0; lo < n; lo += INSERTION_RUN) {
    const hi = Math.min(lo + INSERTION_RUN, n);
    for (let p = lo + 1; p < hi; p++) {
      const k = keys[p]!;
      const id = idx[p]!;
      let q = p - 1;
      while (q >= lo && keys[q]! > k) {
        keys[q + 1] = keys[q]!;
        idx[q + 1] = idx[q]!;
        q--;
      }
      const shifted = p - 1 - q;
      if (shifted > 0) {
        inversions += shifted;
        // The passed elements now sit at q+2..p; report them before inserting.
        if (visitor) visitor.visit(id, idx, q + 2, shifted);
        keys[q + 1] = k;
        idx[q + 1] = id;
      }
    }
  }
  let srcK = keys;
  let srcI = idx;
  let dstK = tmpKeys;
  let dstI = tmpIdx;
  for (let width = INSERTION_RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      if (mid >= hi || srcK[mid - 1]! <= srcK[mid]!) {
        // Already in order: copy.
        dstK.set(srcK.subarray(lo, hi), lo);
        dstI.set(srcI.subarray(lo, hi), lo);
        continue;
      }
      while (i < mid && j < hi) {
        const a = srcK[i]!;
        const b = srcK[j]!;
        if (a <= b) {
          dstK[k] = a;
          dstI[k++] = srcI[i++]!;
        } else {
          const c = mid - i;
          inversions += c;
          if (visitor) visitor.visit(srcI[j]!, srcI, i, c);
          dstK[k] = b;
          dstI[k++] = srcI[j++]!;
        }
      }
      while (i < mid) {
        dstK[k] = srcK[i]!;
        dstI[k++] = srcI[i++]!;
      }
      while (j < hi) {
        dstK[k] = srcK[j]!;
        dstI[k++] = srcI[j++]!;
      }
    }
    const tk = srcK;
    srcK = dstK;
    dstK = tk;
    const ti = srcI;
    srcI = dstI;
    dstI = ti;
  }
  if (srcK !== keys) {
    keys.set(srcK);
    idx.set(srcI);
  }
  return inversions;
}

/** Σ t(t−1)/2 and Σ t(t−1)(2t+5) over runs of equal values in an ascending-sorted array. */
export function tieSums(sorted: ArrayLike<number>): { pairs: number; varianceTerm: number } {
  let pairs = 0;
  let varianceTerm = 0;
  let run = 1;
  for (let i = 1; i <= sorted.length; i++) {
    if (i < sorted.length && sorted[i] === sorted[i - 1]) {
      run++;
      continue;
    }
    if (run > 1) {
      pairs += (run * (run - 1)) / 2;
      varianceTerm += run * (run - 1) * (2 * run + 5);
    }
    run = 1;
  }
  return { pairs, varianceTerm };
}


/**
 * Keys-only variant of {@link sortCountInversions}: sorts `keys` in place (with `tmp` as scratch)
 * and returns the number of strict inversions. About half the memory traffic of the indexed sort.
 */
export function sortCountInversionsKeys(keys: Float64Array, tmp: Float64Array): number {
  const n = keys.length;
  let inversions = 0;
  for (let lo = 0; lo < n; lo += INSERTION_RUN) {
    const hi = Math.min(lo + INSERTION_RUN, n);
    for (let p = lo + 1; p < hi; p++) {
      const k = keys[p]!;
      let q = p - 1;
      while (q >= lo && keys[q]! > k) {
        keys[q + 1] = keys[q]!;
        q--;
      }
      inversions += p - 1 - q;
      keys[q + 1] = k;
    }
  }
  let src = keys;
  let dst = tmp;
  for (let width = INSERTION_RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      if (mid >= hi || src[mid - 1]! <= src[mid]!) {
        dst.set(src.subarray(lo, hi), lo);
        continue;
      }
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        const a = src[i]!;
        const b = src[j]!;
        if (a <= b) {
          dst[k++] = a;
          i++;
        } else {
          inversions += mid - i;
          dst[k++] = b;
          j++;
        }
      }
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  if (src !== keys) keys.set(src);
  return inversions;
}
