// The worked example of the README's "Writing a storage backend": the smallest durable MetricStore.
// Its "disk" is a Map of JSON texts, so the example runs anywhere; a real backend writes a file or a
// table instead, and its test passes a `reopen` that opens the same file or database again.
import { LearningError } from '../../src/errors.js';
import type { MetricRecord } from '../../src/record.js';
import { runQuery, validateQuery, type MetricQuery, type MetricStore } from '../../src/store.js';

export function openJsonTextStore(disk: Map<string, string>, key: string): MetricStore {
  let records: MetricRecord[];
  try {
    records = JSON.parse(disk.get(key) ?? '[]') as MetricRecord[];
  } catch (cause) {
    // Never "repair" by dropping data: say where the damage is and stop.
    throw new LearningError('STORE_CORRUPT', `${key}: not valid JSON; restore it from a backup`, { cause });
  }
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new LearningError('STORE_CLOSED', `${key}: the store is closed; open it again`);
  };
  return {
    async append(batch) {
      ensureOpen();
      if (batch.length === 0) return;
      // Build the new state, then replace the text in one step: all of the batch or none of it.
      const next = [...records, ...batch];
      disk.set(key, JSON.stringify(next));
      records = next;
    },
    async query(query?: MetricQuery) {
      ensureOpen();
      // validateQuery rejects malformed queries with INVALID_ARGUMENT; runQuery filters, orders
      // by timestamp (ties in insertion order) and applies order and limit, as every store must.
      return runQuery(records, validateQuery(query));
    },
    async names() {
      ensureOpen();
      return [...new Set(records.map((r) => r.name))].sort();
    },
    async close() {
      closed = true;
    },
  };
}
