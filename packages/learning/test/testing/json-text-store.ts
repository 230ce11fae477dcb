// The worked example of the README's "Writing a storage backend": the smallest durable MetricStore.
// Its "disk" is a Map of JSON texts, so the example runs anywhere; a real backend writes a file or a
// table instead, and its test passes a `reopen` that opens the same file or database again.
import { LearningError } from '../../src/errors.js';
import { validateRecord, type MetricRecord, type MetricRecordInput } from '../../src/record.js';
import { assertStorableRecord, runQuery, validateQuery, type MetricQuery, type MetricStore } from '../../src/store.js';

export function openJsonTextStore(disk: Map<string, string>, key: string): MetricStore {
  let records: MetricRecord[];
  try {
    // validateRecord checks what was read and freezes it, so no caller can change what later queries return.
    records = (JSON.parse(disk.get(key) ?? '[]') as MetricRecordInput[]).map((r) => validateRecord(r));
  } catch (cause) {
    // Never "repair" by dropping data: say where the damage is and stop.
    throw new LearningError('STORE_CORRUPT', `${key}: not a valid list of records; restore it from a backup`, { cause });
  }
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new LearningError('STORE_CLOSED', `${key}: the store is closed; open it again`);
  };
  return {
    async append(batch) {
      ensureOpen();
      // append is public: reject a malformed record before anything is written (all or nothing).
      for (const r of batch) assertStorableRecord(r);
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
