import type * as fsPromises from 'node:fs/promises';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Metadata, MetricRecord } from '@autodev/learning';
import { describe, expect, it, vi } from 'vitest';
import { openFileStore } from '../src/index.js';
import { tempDir } from './helpers.js';

// Runs a whole compaction by another store just before (or just after) the next FileHandle.write reaches the
// kernel: the interleaving a loaded machine produces when an append's write waits in Node's thread pool, or its
// process is descheduled, after its last check. No timing involved. The hook is taken by the first write after it
// is set, which in these tests is the append's.
const hook = vi.hoisted(() => ({ next: undefined as undefined | { when: 'before' | 'after'; run: () => Promise<void> } }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fsPromises>();
  const open = async (...args: Parameters<typeof real.open>) => {
    const fh = await real.open(...args);
    const write = fh.write.bind(fh) as (...a: unknown[]) => Promise<unknown>;
    Object.assign(fh, {
      write: async (...a: unknown[]) => {
        const h = hook.next;
        hook.next = undefined;
        if (h?.when === 'before') await h.run();
        const result = await write(...a);
        if (h?.when === 'after') await h.run();
        return result;
      },
    });
    return fh;
  };
  return { ...real, open, default: { ...real, open } };
});

const rec = (value: number, metadata: Metadata = {}): MetricRecord => ({ name: 'm', value, timestamp: value, metadata });

async function stored(path: string): Promise<number[]> {
  const fresh = await openFileStore({ path });
  const values = (await fresh.query()).map((r) => r.value);
  await fresh.close();
  return values;
}

describe('an append whose write is overtaken by a whole compaction in another process', () => {
  it('is written again into the new file when its bytes landed after the seal (it was lost before)', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const writer = await openFileStore({ path, onWarning: () => undefined });
    const compactor = await openFileStore({ path, onWarning: () => undefined });
    await writer.append([rec(1), rec(2)]); // the append descriptor is open now
    hook.next = { when: 'before', run: async () => void (await compactor.compact()) };
    await writer.append([rec(3)]);
    expect(hook.next).toBeUndefined();
    await writer.append([rec(4), rec(5)]);
    await writer.close();
    await compactor.close();
    expect(await stored(path)).toEqual([1, 2, 3, 4, 5]);
  });

  it('is not written twice when its bytes landed before the seal (the compaction copied them)', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const writer = await openFileStore({ path, onWarning: () => undefined });
    const compactor = await openFileStore({ path, onWarning: () => undefined });
    await writer.append([rec(1)]);
    hook.next = { when: 'after', run: async () => void (await compactor.compact()) };
    await writer.append([rec(2), rec(3)]);
    expect(hook.next).toBeUndefined();
    await writer.append([rec(4)]);
    await writer.close();
    await compactor.close();
    expect(await stored(path)).toEqual([1, 2, 3, 4]);
  });

  it('a multi-record batch overtaken the same way is stored once and whole, and the compacted file has no seal', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const writer = await openFileStore({ path, onWarning: () => undefined });
    const compactor = await openFileStore({ path, onWarning: () => undefined });
    await writer.append([rec(0)]);
    const batch = Array.from({ length: 50 }, (_, i) => rec(100 + i, { i }));
    hook.next = { when: 'before', run: async () => void (await compactor.compact()) };
    await writer.append(batch);
    await compactor.compact();
    expect(await stored(path)).toEqual([0, ...batch.map((r) => r.value)]);
    expect(await readFile(path, 'utf8')).not.toContain('"sealed"');
    await writer.close();
    await compactor.close();
  });
});

describe('a seal left in the live file by a compaction that failed after writing it', () => {
  it('is skipped by readers, and appends and compactions go on', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const store = await openFileStore({ path });
    await store.append([rec(1), rec(2)]);
    await appendFile(path, '\n{"format":"autodev-metrics","version":1,"sealed":"0123456789abcdef"}\n');
    await store.append([rec(3)]);
    expect((await store.query()).map((r) => r.value)).toEqual([1, 2, 3]);
    expect(await stored(path)).toEqual([1, 2, 3]);
    await store.compact();
    expect(await readFile(path, 'utf8')).not.toContain('"sealed"');
    expect(await stored(path)).toEqual([1, 2, 3]);
    await store.close();
  });
});
