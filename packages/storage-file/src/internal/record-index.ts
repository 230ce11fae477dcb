import { isJsonObjectText } from './line-parser.js';
import { jsonEqual, type Metadata, type MetricQuery, type MetricRecord } from '@autodev/learning';

/** Positions (into the global columns) of one metric's records, in insertion order. */
interface Series {
  pos: Uint32Array;
  n: number;
  /** Timestamps non-decreasing in insertion order: lets `from`/`to` binary-search. */
  sorted: boolean;
  max: number;
}

/**
 * Returns a flat copy of `s`. Substrings of a big decoded chunk can be V8 "sliced strings" that
 * keep the whole chunk alive; names and metadata texts live as long as the store, so they must not.
 */
// Concatenation then slice makes V8 flatten into a new string holding only these characters.
const detach = (s: string): string => (s.length < 13 ? s : (' ' + s).slice(1));

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const k in v) deepFreeze(v[k]);
    Object.freeze(v);
  }
  return v;
}

/** After this many distinct metadata texts, stop interning if most texts are distinct (a per-record id). */
const INTERN_PROBE = 4096;

/**
 * All records of a store in a compact, columnar form: about 28 bytes per record plus each distinct
 * metadata text once (CI metadata such as suite/branch/commit repeats across records). Metadata is
 * parsed again only when a query returns or filters on it.
 */
export class RecordIndex {
  size = 0;
  private values = new Float64Array(1024);
  private timestamps = new Float64Array(1024);
  private nameIds = new Uint32Array(1024);
  private metaIds = new Uint32Array(1024);
  private sorted = true;
  private max = -Infinity;
  private readonly names: string[] = [];
  private readonly nameIdOf = new Map<string, number>();
  private readonly series: Series[] = [];
  private readonly metas: string[] = ['{}'];
  private readonly metaIdOf = new Map<string, number>([['{}', 0]]);
  private interning = true;

  /** Id of a metadata JSON text, interning it on first sight; -1 when it is not a JSON object. */
  metaId(text: string): number {
    if (text === '{}') return 0;
    if (this.interning) {
      const id = this.metaIdOf.get(text);
      if (id !== undefined) return id;
    }
    if (!isJsonObjectText(text)) return -1;
    const copy = detach(text);
    this.metas.push(copy);
    const id = this.metas.length - 1;
    if (this.interning) {
      this.metaIdOf.set(copy, id);
      // Metadata with a per-record id never repeats: interning it only costs time and a map entry.
      if (id === INTERN_PROBE && this.size < 2 * INTERN_PROBE) {
        this.interning = false;
        this.metaIdOf.clear();
      }
    }
    return id;
  }

  /** Appends one record whose metadata was interned with {@link metaId}. */
  add(name: string, value: number, timestamp: number, metaId: number): void {
    let nameId = this.nameIdOf.get(name);
    if (nameId === undefined) {
      nameId = this.names.length;
      const copy = detach(name);
      this.names.push(copy);
      this.nameIdOf.set(copy, nameId);
      this.series.push({ pos: new Uint32Array(64), n: 0, sorted: true, max: -Infinity });
    }
    if (this.size === this.values.length) this.grow();
    const i = this.size++;
    this.values[i] = value;
    this.timestamps[i] = timestamp;
    this.nameIds[i] = nameId;
    this.metaIds[i] = metaId;
    if (timestamp < this.max) this.sorted = false;
    else this.max = timestamp;
    const s = this.series[nameId]!;
    if (s.n === s.pos.length) {
      const next = new Uint32Array(s.pos.length * 2);
      next.set(s.pos);
      s.pos = next;
    }
    s.pos[s.n++] = i;
    if (timestamp < s.max) s.sorted = false;
    else s.max = timestamp;
  }

  private grow(): void {
    const n = this.values.length * 2;
    const values = new Float64Array(n);
    values.set(this.values);
    this.values = values;
    const timestamps = new Float64Array(n);
    timestamps.set(this.timestamps);
    this.timestamps = timestamps;
    const nameIds = new Uint32Array(n);
    nameIds.set(this.nameIds);
    this.nameIds = nameIds;
    const metaIds = new Uint32Array(n);
    metaIds.set(this.metaIds);
    this.metaIds = metaIds;
  }

  /** Distinct metric names, sorted by code unit. */
  nameList(): string[] {
    return [...this.names].sort();
  }

  /** Runs a validated query; same semantics as learning's `runQuery`. */
  query(q: MetricQuery): MetricRecord[] {
    let positions: Uint32Array | undefined;
    let count = this.size;
    let sorted = this.sorted;
    if (q.name !== undefined) {
      const id = this.nameIdOf.get(q.name);
      if (id === undefined) return [];
      const s = this.series[id]!;
      positions = s.pos;
      count = s.n;
      sorted = s.sorted;
    }
    const ts = this.timestamps;
    const at = positions === undefined ? (k: number) => k : (k: number) => positions[k]!;
    let lo = 0;
    let hi = count;
    if (sorted) {
      if (q.from !== undefined) lo = lowerBound(lo, hi, (k) => ts[at(k)]! >= q.from!);
      if (q.to !== undefined) hi = lowerBound(lo, hi, (k) => ts[at(k)]! >= q.to!);
      // Sorted and unfiltered by metadata: the limit is a range, so only the records returned are touched.
      if (q.where === undefined && q.limit !== undefined && hi - lo > q.limit) {
        if (q.order === 'desc') lo = hi - q.limit;
        else hi = lo + q.limit;
      }
    }
    const where = q.where === undefined ? undefined : Object.entries(q.where);
    const whereCache = new Map<number, boolean>();
    const out: number[] = [];
    for (let k = lo; k < hi; k++) {
      const i = at(k);
      if (!sorted) {
        const t = ts[i]!;
        if ((q.from !== undefined && t < q.from) || (q.to !== undefined && t >= q.to)) continue;
      }
      if (where !== undefined) {
        const mid = this.metaIds[i]!;
        let ok = whereCache.get(mid);
        if (ok === undefined) {
          const md = JSON.parse(this.metas[mid]!) as Metadata;
          ok = where.every(([key, v]) => Object.hasOwn(md, key) && jsonEqual(md[key], v));
          whereCache.set(mid, ok);
        }
        if (!ok) continue;
      }
      out.push(i);
    }
    // Global positions are insertion order, so the tie-break keeps ties in insertion order.
    if (!sorted) out.sort((x, y) => ts[x]! - ts[y]! || x - y);
    if (q.order === 'desc') out.reverse();
    if (q.limit !== undefined && out.length > q.limit) out.length = q.limit;
    return this.materialize(out);
  }

  private materialize(positions: readonly number[]): MetricRecord[] {
    // One frozen metadata object per distinct text per query: records are immutable values, and
    // parsing each distinct text once keeps a query over a million records cheap.
    const metaCache = new Map<number, Metadata>();
    const out = new Array<MetricRecord>(positions.length);
    for (let k = 0; k < positions.length; k++) {
      const i = positions[k]!;
      const mid = this.metaIds[i]!;
      let metadata = metaCache.get(mid);
      if (metadata === undefined) {
        metadata = deepFreeze(JSON.parse(this.metas[mid]!) as Metadata);
        metaCache.set(mid, metadata);
      }
      out[k] = Object.freeze({ name: this.names[this.nameIds[i]!]!, value: this.values[i]!, timestamp: this.timestamps[i]!, metadata });
    }
    return out;
  }

  /** Every record in insertion order as lines of the current format (for `compact`). */
  *lines(chunkRecords = 8192): Generator<string> {
    let text = '';
    for (let i = 0; i < this.size; i++) {
      text += `{"name":${JSON.stringify(this.names[this.nameIds[i]!])},"value":${JSON.stringify(this.values[i])},"timestamp":${JSON.stringify(this.timestamps[i])},"metadata":${this.metas[this.metaIds[i]!]!}}\n`;
      if ((i + 1) % chunkRecords === 0) {
        yield text;
        text = '';
      }
    }
    if (text !== '') yield text;
  }
}

/** First k in [lo, hi) with pred(k) true, for a predicate that is monotone (false…true). */
function lowerBound(lo: number, hi: number, pred: (k: number) => boolean): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pred(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
