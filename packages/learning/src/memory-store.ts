import { LearningError } from './errors.js';
import type { MetricRecord } from './record.js';
import { runQuery, validateQuery, type MetricQuery, type MetricStore } from './store.js';

/**
 * An in-memory `MetricStore`: the default of `MetricsTracker` and the reference every backend is
 * checked against. Nothing survives the process.
 * @example
 * const tracker = new MetricsTracker({ storage: createMemoryStore() });
 */
export function createMemoryStore(): MetricStore {
  // Records per name, in insertion order, plus a global sequence for queries across names.
  const all: MetricRecord[] = [];
  const byName = new Map<string, MetricRecord[]>();
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new LearningError('STORE_CLOSED', 'the memory store is closed; create a new one with createMemoryStore()');
  };
  return {
    append(records) {
      try {
        ensureOpen();
      } catch (e) {
        return Promise.reject(e);
      }
      for (const r of records) {
        all.push(r);
        let list = byName.get(r.name);
        if (!list) byName.set(r.name, (list = []));
        list.push(r);
      }
      return Promise.resolve();
    },
    query(query?: MetricQuery) {
      try {
        ensureOpen();
        const q = validateQuery(query);
        const source = q.name === undefined ? all : (byName.get(q.name) ?? []);
        return Promise.resolve(runQuery(source, q));
      } catch (e) {
        return Promise.reject(e);
      }
    },
    names() {
      try {
        ensureOpen();
      } catch (e) {
        return Promise.reject(e);
      }
      return Promise.resolve([...byName.keys()].sort());
    },
    close() {
      closed = true;
      return Promise.resolve();
    },
  };
}
