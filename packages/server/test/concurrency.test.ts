// Several clients append in parallel to one collector over a real file store: every record is stored
// exactly once, each batch whole and in order, and a live subscriber sees each record exactly once too.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricRecord } from '@autodev/learning';
import { openFileStore } from '@autodev/storage-file';
import { afterEach, expect, it } from 'vitest';
import { post, start, subscribe } from './helpers.js';

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

it('8 clients × 25 batches in parallel: nothing lost, nothing duplicated, batches whole and ordered', async () => {
  dir = await mkdtemp(join(tmpdir(), 'autodev-server-concurrency-'));
  const store = await openFileStore({ path: join(dir, 'metrics.jsonl') });
  const { url } = await start({ store });
  const live = await subscribe(url);
  await live.next((e) => e.event === 'ready');

  const CLIENTS = 8;
  const BATCHES = 25;
  let expected = 0;
  const client = async (c: number) => {
    for (let b = 0; b < BATCHES; b++) {
      const size = 1 + ((c + b) % 4);
      const batch = Array.from({ length: size }, (_, j) => ({ name: `m${c % 3}`, value: j, timestamp: 1000 + b, metadata: { id: `${c}/${b}/${j}` } }));
      expected += size;
      const res = await post(url, batch);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ appended: size });
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

  const all = await store.query();
  const ids = all.map((r) => r.metadata.id as string);
  expect(ids).toHaveLength(expected);
  expect(new Set(ids).size).toBe(expected);
  const pos = new Map(ids.map((id, k) => [id, k]));
  for (const id of ids) {
    const [c, b, j] = id.split('/').map(Number) as [number, number, number];
    if (j > 0) expect(pos.get(`${c}/${b}/${j}`)!).toBeGreaterThan(pos.get(`${c}/${b}/${j - 1}`)!);
  }

  // The live stream carried the same records, each once.
  const seen: string[] = [];
  while (seen.length < expected) {
    const e = await live.next((x) => x.event === 'records');
    for (const r of JSON.parse(e.data) as MetricRecord[]) seen.push(r.metadata.id as string);
  }
  expect(seen.sort()).toEqual([...ids].sort());
  live.close();
});
