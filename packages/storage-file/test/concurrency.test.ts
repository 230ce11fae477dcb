import { readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openFileStore } from '../src/index.js';
import { startWorker, tempDir } from './helpers.js';

const WRITERS = 4;
const PER_WRITER = 5_000;

describe('many processes appending to one file', () => {
  it(`${WRITERS} processes × ${PER_WRITER} appends: every record exactly once, no line mixed`, async () => {
    const path = join(await tempDir(), 'shared.jsonl');
    const reader = await openFileStore({ path });
    const workers = Array.from({ length: WRITERS }, (_, w) =>
      // Mostly single-record appends (maxBatch 3), as CI jobs do; ids are disjoint per writer.
      startWorker(path, { first: w * 1_000_000, count: PER_WRITER, maxBatch: 3, tag: `w${w}` }),
    );
    // While they write, a reader in this process keeps querying: it must only ever see whole records.
    let done = false;
    const all = Promise.all(workers.map((w) => w.exited)).finally(() => (done = true));
    let polls = 0;
    while (!done) {
      const seen = await reader.query();
      for (const r of seen) expect(r.metadata.id).toBe(r.value);
      polls++;
      await new Promise((r) => setTimeout(r, 20));
    }
    await all;
    const records = await reader.query();
    expect(records).toHaveLength(WRITERS * PER_WRITER);
    const ids = new Set(records.map((r) => r.value));
    expect(ids.size).toBe(WRITERS * PER_WRITER);
    for (let w = 0; w < WRITERS; w++) {
      // Each writer's records appear in the order it appended them.
      const mine = records.filter((r) => r.metadata.writer === `w${w}`).map((r) => r.value);
      expect(mine).toEqual(Array.from({ length: PER_WRITER }, (_, i) => w * 1_000_000 + i));
    }
    // Byte level: every line is one whole JSON object of one writer.
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(lines.pop()).toBe('');
    for (const l of lines.slice(1)) {
      const o = JSON.parse(l) as { value: number; metadata: { id: number } };
      expect(o.metadata.id).toBe(o.value);
    }
    expect(polls).toBeGreaterThan(0);
    await reader.close();
  }, 120_000);
});

describe('compaction while other processes append', () => {
  it('repeated compact() under 3 appending processes loses and duplicates nothing', async () => {
    const path = join(await tempDir(), 'shared.jsonl');
    const compactor = await openFileStore({ path, onWarning: () => undefined });
    const per = 3_000;
    const workers = Array.from({ length: 3 }, (_, w) => startWorker(path, { first: w * 1_000_000, count: per, maxBatch: 3, tag: `w${w}` }));
    await Promise.all(workers.map((w) => w.ready));
    let done = false;
    const all = Promise.all(workers.map((w) => w.exited)).finally(() => (done = true));
    let compactions = 0;
    while (!done) {
      await compactor.compact();
      compactions++;
    }
    for (const { code } of await all) expect(code).toBe(0);
    await compactor.compact();
    const records = await compactor.query();
    const ids = records.map((r) => r.value);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.length).toBe(3 * per);
    expect(compactions).toBeGreaterThan(3);
    await compactor.close();
  }, 120_000);
});

describe('compaction lock', () => {
  it('an append waits while a live process holds the lock, and goes into the file once it is released', async () => {
    const path = join(await tempDir(), 'locked.jsonl');
    const store = await openFileStore({ path });
    await store.append([{ name: 'm', value: 1, timestamp: 1, metadata: {} }]);
    await writeFile(`${path}.compacting`, String(process.pid)); // this process is alive
    let landed = false;
    const pending = store.append([{ name: 'm', value: 2, timestamp: 2, metadata: {} }]).then(() => (landed = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(landed).toBe(false);
    await unlink(`${path}.compacting`);
    await pending;
    expect((await store.query()).map((r) => r.value)).toEqual([1, 2]);
    await store.close();
  });

  it('a lock left by a killed compactor is removed, and neither appends nor compaction wait for it', async () => {
    const path = join(await tempDir(), 'stale.jsonl');
    const store = await openFileStore({ path });
    // A pid that cannot exist (above Linux's pid_max).
    await writeFile(`${path}.compacting`, '2147483646');
    await store.append([{ name: 'm', value: 1, timestamp: 1, metadata: {} }]);
    await writeFile(`${path}.compacting`, '2147483646');
    const result = await store.compact();
    expect(result.records).toBe(1);
    await expect(stat(`${path}.compacting`)).rejects.toMatchObject({ code: 'ENOENT' });
    await store.close();
  });
});
