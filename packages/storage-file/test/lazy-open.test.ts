import { open, readFile, writeFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricRecord } from '@autodev/learning';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openFileStore } from '../src/index.js';
import { HEADER, collectWarnings, line, tempDir } from './helpers.js';

const rec = (name: string, value: number, timestamp: number): MetricRecord => ({ name, value, timestamp, metadata: {} });

type Read = (this: FileHandle, ...args: unknown[]) => Promise<{ bytesRead: number }>;

/** Counts the bytes every FileHandle reads (the store reads only through FileHandle.read). */
async function countReads(anyPath: string): Promise<{ bytes: () => number }> {
  const fh = await open(anyPath, 'r');
  const proto = Object.getPrototypeOf(fh) as { read: Read };
  await fh.close();
  const original = proto.read;
  let total = 0;
  vi.spyOn(proto, 'read').mockImplementation(async function (this: FileHandle, ...args: unknown[]) {
    const result = await original.apply(this, args);
    total += result.bytesRead;
    return result;
  });
  return { bytes: () => total };
}

afterEach(() => {
  vi.restoreAllMocks();
});

/** A store file of `n` records of metric `a` (values 0..n-1), then `tail`. */
async function bigFile(n: number, tail = ''): Promise<{ path: string; size: number }> {
  const path = join(await tempDir(), 'metrics.jsonl');
  let text = HEADER;
  for (let i = 0; i < n; i++) text += line('a', i, i, { branch: 'main', i });
  text += tail;
  await writeFile(path, text);
  return { path, size: Buffer.byteLength(text) };
}

describe('lazy open: appending reads the header and the last byte, not the file', () => {
  it('open + one append into a big file reads a few KB; the first query reads it all and sees the append', async () => {
    const { path, size } = await bigFile(20_000);
    expect(size).toBeGreaterThan(1_000_000);
    const reads = await countReads(path);
    const store = await openFileStore({ path });
    await store.append([rec('b', 1, 1e12)]);
    // The first 4 KB (to find the header line), the header line again (parsed) and the last byte.
    expect(reads.bytes()).toBeLessThan(8 * 1024);
    const all = await store.query();
    expect(all).toHaveLength(20_001);
    expect(all.at(-1)).toEqual(rec('b', 1, 1e12));
    expect(reads.bytes()).toBeGreaterThanOrEqual(size);
    await store.close();
  });

  it('eager: true reads the whole file on open', async () => {
    const { path, size } = await bigFile(5_000);
    const reads = await countReads(path);
    const store = await openFileStore({ path, eager: true });
    expect(reads.bytes()).toBeGreaterThanOrEqual(size);
    expect(await store.names()).toEqual(['a']);
    await store.close();
  });

  it('a torn tail then an append without any read: the append starts on a new line; the warning comes with the first read', async () => {
    const { path, size } = await bigFile(300, '{"name":"a","value":3,"time');
    const { warnings, onWarning } = collectWarnings();
    const reads = await countReads(path);
    const store = await openFileStore({ path, onWarning });
    await store.append([rec('b', 4, 1e6 + 4)]);
    await store.append([rec('b', 5, 1e6 + 5), rec('b', 6, 1e6 + 6)]);
    expect(reads.bytes()).toBeLessThan(8 * 1024);
    expect(size).toBeGreaterThan(16 * 1024);
    expect(warnings).toEqual([]);
    expect(await readFile(path, 'utf8')).toMatch(/"time\n\{"name":"b","value":4,.*\n\{"name":"b","value":5,/);
    const values = [...Array.from({ length: 300 }, (_, i) => i), 4, 5, 6];
    expect((await store.query()).map((r) => r.value)).toEqual(values);
    // The torn line is now in the middle of the file: still a torn write (line 302), not corruption.
    expect(warnings.map((w) => [w.code, w.line])).toEqual([['TORN_LINE', 302]]);
    await store.close();
    const again = await openFileStore({ path, eager: true, onWarning: () => undefined });
    expect((await again.query()).map((r) => r.value)).toEqual(values);
    await again.close();
  });

  it('a tail in progress that another process completes before the append gets no extra line end', async () => {
    const { path } = await bigFile(2, '{"name":"a","value":2,"time');
    const { warnings, onWarning } = collectWarnings();
    const store = await openFileStore({ path, onWarning });
    await writeFile(path, 'stamp":2,"metadata":{}}\n', { flag: 'a' });
    await store.append([rec('b', 3, 3)]);
    expect(await readFile(path, 'utf8')).toMatch(/"metadata":\{\}\}\n\{"name":"b","value":3,/);
    expect((await store.query()).map((r) => r.value)).toEqual([0, 1, 2, 3]);
    expect(warnings).toEqual([]);
    await store.close();
  });

  it('a corrupt middle line, then an append, then a query: STORE_CORRUPT naming file and line; the bytes before are unchanged', async () => {
    const path = join(await tempDir(), 'metrics.jsonl');
    const original = HEADER + line('a', 1, 1) + 'this is not json\n' + line('a', 2, 2);
    await writeFile(path, original);
    const store = await openFileStore({ path });
    await store.append([rec('a', 3, 3)]);
    await expect(store.query()).rejects.toMatchObject({ name: 'LearningError', code: 'STORE_CORRUPT', message: expect.stringContaining(`${path}:3:`) });
    await store.close();
    const text = await readFile(path, 'utf8');
    expect(text.startsWith(original)).toBe(true);
    expect(text.slice(original.length)).toBe(line('a', 3, 3));
    const skipping = await openFileStore({ path, onCorrupt: 'skip', onWarning: () => undefined });
    expect((await skipping.query()).map((r) => r.value)).toEqual([1, 2, 3]);
    await skipping.close();
  });

  it('an incomplete batch at the end stays all or nothing when appended after without a read', async () => {
    const batch = (v: number) => `{"name":"b","value":${v},"timestamp":${v},"metadata":{},"batch":"abc/3"}\n`;
    const { path } = await bigFile(1, batch(2) + batch(3));
    const { warnings, onWarning } = collectWarnings();
    const store = await openFileStore({ path, onWarning });
    await store.append([rec('c', 4, 4), rec('c', 5, 5)]);
    expect((await store.query()).map((r) => r.value)).toEqual([0, 4, 5]);
    expect(warnings.map((w) => [w.code, w.line])).toEqual([['INCOMPLETE_BATCH', 3]]);
    await store.close();
  });

  it('the file compacted by another process before the first append: the append goes into the new file', async () => {
    const { path } = await bigFile(3, 'garbage\n');
    const lazy = await openFileStore({ path });
    const other = await openFileStore({ path, onCorrupt: 'skip', onWarning: () => undefined });
    await other.compact();
    await other.close();
    await lazy.append([rec('b', 9, 9)]);
    expect((await lazy.query()).map((r) => r.value)).toEqual([0, 1, 2, 9]);
    await lazy.close();
    const fresh = await openFileStore({ path, eager: true });
    expect((await fresh.query()).map((r) => r.value)).toEqual([0, 1, 2, 9]);
    await fresh.close();
  });

  it('still validates the header on open', async () => {
    const path = join(await tempDir(), 'metrics.jsonl');
    await writeFile(path, '\n{"format":"autodev-metrics","version":2}\n' + line('a', 1, 1));
    await expect(openFileStore({ path })).rejects.toMatchObject({ code: 'STORE_VERSION', message: expect.stringContaining(`${path}:2:`) });
    await writeFile(path, line('a', 1, 1) + HEADER);
    await expect(openFileStore({ path })).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining(`${path}:1:`) });
  });
});
