import { LearningError } from './errors.js';
import { validateRecord, type MetricRecord } from './record.js';
import { assertStorableRecord, runQuery, validateQuery, type MetricQuery, type MetricStore } from './store.js';

/**
 * An in-memory `MetricStore`: the default of `MetricsTracker` and the reference every backend is
 * checked against (the contract suite's model check compares a backend with it). Nothing survives
 * the process. Appends are synchronous under the hood, so concurrent appends are trivially atomic.
 * @example
 * const tracker = new MetricsTracker({ storage: createMemoryStore() });
 */
export function createMemoryStore(): MetricStore {
  // Records in insertion order, globally and per name (queries by name are the common case).
  const all: MetricRecord[] = [];
  const byName = new Map<string, MetricRecord[]>();
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new LearningError('STORE_CLOSED', 'the memory store is closed; create a new one with createMemoryStore()');
  };
  return {
    // eslint-disable-next-line @typescript-eslint/require-await -- async turns throws into rejections
    async append(records) {
      ensureOpen();
      // Check the whole batch before keeping any of it (all or nothing). Records from MetricsTracker are frozen
      // already; a direct caller's own objects are copied, so changing them later cannot change the store.
      const kept = records.map((r) => {
        assertStorableRecord(r);
        return Object.isFrozen(r) && Object.isFrozen(r.metadata) ? r : validateRecord(r);
      });
      for (const r of kept) {
        all.push(r);
        let list = byName.get(r.name);
        if (!list) byName.set(r.name, (list = []));
        list.push(r);
      }
    },
    // eslint-disable-next-line @typescript-eslint/require-await
    async query(query?: MetricQuery) {
      ensureOpen();
      const q = validateQuery(query);
      const source = q.name === undefined ? all : (byName.get(q.name) ?? []);
      return runQuery(source, q);
    },
    // eslint-disable-next-line @typescript-eslint/require-await
    async names() {
      ensureOpen();
      return [...byName.keys()].sort();
    },
    // eslint-disable-next-line @typescript-eslint/require-await
    async close() {
      closed = true;
    },
  };
}
