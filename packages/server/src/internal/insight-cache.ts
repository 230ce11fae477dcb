/** One computation of a key: in flight while `settled` is false, then its answer until it is too old. */
interface Entry {
  readonly generation: number;
  readonly startedAt: number;
  readonly value: Promise<string>;
  settled: boolean;
}

/** Settings of {@link InsightCache}. */
export interface InsightCacheOptions {
  /** How long a computed answer is served again, in ms, counted from when its computation started. `0`: never. */
  maxAgeMs: number;
  /** Most distinct keys kept; the oldest is dropped past it (keys come from request parameters). @default 32 */
  maxEntries?: number;
  /** Monotonic milliseconds. @default performance.now */
  clock?: () => number;
}

/**
 * Answers of `GET /v1/insights` (the serialized body) by request key, for the store as this server has seen it.
 *
 * The engine reads every named series and runs every detector: ~100 ms of blocked event loop for 50 metrics of
 * 2,000 points, asked for by every open dashboard after each live batch. Here each distinct request is computed
 * once per *generation* (one more every time an append through this server succeeds, see {@link invalidate}), and
 * requests that arrive while it is being computed wait for that computation instead of starting their own. Another
 * process may append to the store directly, which this server cannot see: `maxAgeMs` bounds how long such records
 * stay out of the answers.
 */
export class InsightCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxAgeMs: number;
  readonly #maxEntries: number;
  readonly #clock: () => number;
  #generation = 0;

  constructor({ maxAgeMs, maxEntries = 32, clock = () => performance.now() }: InsightCacheOptions) {
    this.#maxAgeMs = maxAgeMs;
    this.#maxEntries = maxEntries;
    this.#clock = clock;
  }

  /**
   * The answer for `key`: a computation of this generation still in flight, or a settled one younger than
   * `maxAgeMs`, else a new run of `compute`. A failed computation is not kept: the requests that waited for it get
   * its error, the next one computes again.
   */
  get(key: string, compute: () => Promise<string>): Promise<string> {
    const found = this.#entries.get(key);
    if (found && found.generation === this.#generation && (!found.settled || this.#clock() - found.startedAt < this.#maxAgeMs)) return found.value;
    this.#entries.delete(key); // re-inserted below: Map order is then age order, for eviction
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    // A compute that throws at once rejects like one that fails later.
    const entry: Entry = { generation: this.#generation, startedAt: this.#clock(), value: Promise.resolve().then(compute), settled: false };
    this.#entries.set(key, entry);
    entry.value.then(
      () => (entry.settled = true),
      () => {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
      },
    );
    return entry.value;
  }

  /**
   * The store changed: nothing computed before is served again, and computations still in flight are not joined
   * (their answers still go to the requests that were waiting for them, which asked before the change).
   */
  invalidate(): void {
    this.#generation++;
    this.#entries.clear();
  }
}
