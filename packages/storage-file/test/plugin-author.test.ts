// A toy backend written by following only the "Writing a storage backend" section of
// @autodev/learning's README: the whole store is one JSON file, replaced atomically (temp file + rename)
// on every append. It proves the documented contract suite can be run by a third party as written.
// What the docs left out, found by writing it: the README's worked example is synchronous under the hood (a
// Map), and nothing says an asynchronous backend must queue its own appends — the first version computed
// `[...records, ...batch]` before awaiting the write and lost batches under concurrent appends (the suite's
// "200 concurrent appends" caught it; its model checks, which await every call, did not).
import { mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertStorableRecord, LearningError, runQuery, validateQuery, validateRecord } from '@autodev/learning';
import type { MetricQuery, MetricRecord, MetricRecordInput, MetricStore } from '@autodev/learning';
import { describeMetricStoreContract, itAnswersLikeTheMemoryStore } from '@autodev/learning/testing';
import { afterAll, describe } from 'vitest';

async function openJsonFileStore(path: string): Promise<MetricStore> {
  let records: MetricRecord[] = [];
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'ENOENT') throw new LearningError('STORE_IO', `${path}: cannot read it`, { cause });
  }
  if (text !== undefined) {
    try {
      records = (JSON.parse(text) as MetricRecordInput[]).map((r) => validateRecord(r));
    } catch (cause) {
      throw new LearningError('STORE_CORRUPT', `${path}: not a valid list of records; restore it from a backup`, { cause });
    }
  }
  let closed = false;
  // The README's worked example writes synchronously; an async backend must queue its appends itself, or two
  // concurrent appends both start from the same `records` and the later rename drops the earlier batch.
  let tail: Promise<unknown> = Promise.resolve();
  const ensureOpen = () => {
    if (closed) throw new LearningError('STORE_CLOSED', `${path}: the store is closed; open it again`);
  };
  return {
    async append(batch) {
      ensureOpen();
      for (const r of batch) assertStorableRecord(r);
      if (batch.length === 0) return;
      const copy = [...batch]; // read the array now: the caller may reuse it
      const run = tail.then(async () => {
        const next = [...records, ...copy];
        const tmp = `${path}.${process.pid}.tmp`;
        try {
          await writeFile(tmp, JSON.stringify(next));
          await rename(tmp, path);
        } catch (cause) {
          throw new LearningError('STORE_IO', `${path}: cannot write it`, { cause });
        }
        records = next;
      });
      tail = run.catch(() => undefined);
      return run;
    },
    async query(query?: MetricQuery) {
      ensureOpen();
      const q = validateQuery(query);
      await tail; // see the appends called before this query
      return runQuery(records, q);
    },
    async names() {
      ensureOpen();
      await tail;
      return [...new Set(records.map((r) => r.name))].sort();
    },
    async close() {
      closed = true;
      await tail; // let appends in flight finish
    },
  };
}

describeMetricStoreContract(
  'plugin author: JSON file',
  async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autodev-plugin-'));
    const path = join(dir, 'metrics.json');
    return { store: await openJsonFileStore(path), path, dispose: () => rm(dir, { recursive: true, force: true }) };
  },
  { reopen: async (f) => ({ ...f, store: await openJsonFileStore(f.path) }) },
);

describe('plugin author: JSON file, hostile values', () => {
  let dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
    dirs = [];
  });
  itAnswersLikeTheMemoryStore(async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autodev-plugin-'));
    dirs.push(dir);
    return openJsonFileStore(join(dir, 'metrics.json'));
  }, { numRuns: 50 });
});
