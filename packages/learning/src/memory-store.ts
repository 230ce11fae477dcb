import { LearningError } from './errors.js';
import type { MetricRecord } from './record.js';
import { runQuery, validateQuery, type MetricQuery, type MetricStore } from './store.js';

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
      for (const r of records) {
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
