import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MetricRecord } from '@autodev/learning';
import { describe, expect, it } from 'vitest';
import { openFileStore } from '../src/index.js';
import { HEADER, collectWarnings, hashFile, line, tempDir } from './helpers.js';

const rec = (name: string, value: number, timestamp: number): MetricRecord => ({ name, value, timestamp, metadata: {} });

/** Writes `content`, runs `body`, and checks the file's bytes did not change. */
async function unchanged(content: string | Buffer, body: (path: string) => Promise<void>): Promise<string> {
  const path = join(await tempDir(), 'metrics.jsonl');
  await writeFile(path, content);
  const before = await hashFile(path);
  await body(path);
  expect(await hashFile(path)).toBe(before);
  return path;
}

describe('malformed input: typed error or documented recovery, bytes unchanged', () => {
  it('torn last line: warns, reads everything before it, next append starts on a new line', async () => {
    const path = await unchanged(HEADER + line('a', 1, 1) + line('a', 2, 2) + '{"name":"a","value":3,"time', async (path) => {
      const { warnings, onWarning } = collectWarnings();
      const store = await openFileStore({ path, onWarning });
      expect((await store.query()).map((r) => r.value)).toEqual([1, 2]);
      expect(warnings).toEqual([expect.objectContaining({ code: 'TORN_LINE', line: 4, path })]);
      expect(warnings[0]!.message).toContain(`${path}:4`);
      expect(store.warnings).toEqual(warnings);
      await store.close();
    });
    const store = await openFileStore({ path, onWarning: () => undefined });
    await store.append([rec('a', 4, 4)]);
    await store.close();
    expect(await readFile(path, 'utf8')).toMatch(/"time\n\{"name":"a","value":4,/);
    const { warnings, onWarning } = collectWarnings();
    const reopened = await openFileStore({ path, onWarning });
    expect((await reopened.query()).map((r) => r.value)).toEqual([1, 2, 4]);
    expect(warnings.map((w) => [w.code, w.line])).toEqual([['TORN_LINE', 4]]);
    await reopened.close();
  });

  it('default warnings go to process.emitWarning', async () => {
    await unchanged(HEADER + '{"name":"a"', async (path) => {
      const seen: Error[] = [];
      const listener = (w: Error) => seen.push(w);
      process.on('warning', listener);
      try {
        const store = await openFileStore({ path });
        await store.names(); // lazy open: the tail is looked at on the first read
        await store.close();
        await new Promise((r) => setImmediate(r));
      } finally {
        process.off('warning', listener);
      }
      expect(seen.map((w) => w.name)).toEqual(['AutodevStoreWarning']);
    });
  });

  it('garbage line in the middle: STORE_CORRUPT naming file and line, on the first read (or on open with eager)', async () => {
    await unchanged(HEADER + line('a', 1, 1) + 'this is not json\n' + line('a', 2, 2), async (path) => {
      const err = (await openFileStore({ path, eager: true }).catch((e: unknown) => e)) as Error & { code: string };
      expect(err).toMatchObject({ name: 'LearningError', code: 'STORE_CORRUPT' });
      expect(err.message).toContain(`${path}:3`);
      const store = await openFileStore({ path });
      await expect(store.query()).rejects.toMatchObject({ name: 'LearningError', code: 'STORE_CORRUPT', message: expect.stringContaining(`${path}:3:`) });
      await expect(store.names()).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining(`${path}:3:`) });
      await store.close();
    });
  });

  it('damaged record fields in the middle are corrupt too (not mistaken for torn writes)', async () => {
    for (const bad of ['{"name":"a","value":"12","timestamp":1,"metadata":{}}', '{"name":"a","value":1,"timestamp":1,"metadata":[]}', '[1,2]', '{"name":"a","value":1e999,"timestamp":1,"metadata":{}}'])
      await unchanged(HEADER + line('a', 1, 1) + bad + '\n' + line('a', 2, 2), async (path) => {
        await expect(openFileStore({ path, eager: true })).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining(':3:') });
        const store = await openFileStore({ path });
        await expect(store.query()).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining(':3:') });
        await store.close();
      });
  });

  it("garbage line with onCorrupt: 'skip': skipped and reported", async () => {
    await unchanged(HEADER + line('a', 1, 1) + '\u0000\u0000\u0000garbage\n' + line('a', 2, 2), async (path) => {
      const { warnings, onWarning } = collectWarnings();
      const store = await openFileStore({ path, onCorrupt: 'skip', onWarning });
      expect((await store.query()).map((r) => r.value)).toEqual([1, 2]);
      expect(warnings.map((w) => [w.code, w.line])).toEqual([['CORRUPT_LINE_SKIPPED', 3]]);
      await store.close();
    });
  });

  it('corruption appended later by someone else fails the next query, naming the line', async () => {
    const path = join(await tempDir(), 'm.jsonl');
    const store = await openFileStore({ path });
    await store.append([rec('a', 1, 1)]);
    await writeFile(path, 'oops\n', { flag: 'a' });
    await expect(store.query()).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining(':3:') });
    await store.close();
  });

  it('empty file: an empty store; the header is written with the first append', async () => {
    const path = await unchanged('', async (path) => {
      const store = await openFileStore({ path });
      expect(await store.query()).toEqual([]);
      expect(await store.names()).toEqual([]);
      await store.close();
    });
    expect((await stat(path)).size).toBe(0);
    const store = await openFileStore({ path });
    await store.append([rec('a', 1, 1)]);
    await store.close();
    const lines = (await readFile(path, 'utf8')).split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'autodev-metrics' });
    const again = await openFileStore({ path });
    expect(await again.query()).toEqual([rec('a', 1, 1)]);
    await again.close();
  });

  it('header only: an empty store', async () => {
    await unchanged(HEADER, async (path) => {
      const { warnings, onWarning } = collectWarnings();
      const store = await openFileStore({ path, onWarning });
      expect(await store.query()).toEqual([]);
      expect(warnings).toEqual([]);
      await store.close();
    });
  });

  it('UTF-8 BOM: ignored, never removed', async () => {
    const path = await unchanged(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(HEADER + line('a', 1, 1))]), async (path) => {
      const store = await openFileStore({ path });
      expect(await store.query()).toEqual([rec('a', 1, 1)]);
      await store.close();
    });
    const store = await openFileStore({ path });
    await store.append([rec('a', 2, 2)]);
    await store.close();
    expect((await readFile(path)).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const again = await openFileStore({ path });
    expect((await again.query()).map((r) => r.value)).toEqual([1, 2]);
    await again.close();
  });

  it('CRLF line ends: read like LF', async () => {
    await unchanged((HEADER + line('a', 1, 1) + line('b', 2, 2)).replaceAll('\n', '\r\n'), async (path) => {
      const store = await openFileStore({ path });
      expect(await store.query()).toEqual([rec('a', 1, 1), rec('b', 2, 2)]);
      await store.close();
    });
  });

  it('a directory where the file should be: STORE_IO', async () => {
    const dir = join(await tempDir(), 'metrics.jsonl');
    await mkdir(dir);
    const e = (await openFileStore({ path: dir }).then(
      () => undefined,
      (x: unknown) => x,
    )) as Error;
    expect(e).toMatchObject({ code: 'STORE_IO', message: expect.stringContaining('the path is a folder: pass a file inside it') });
    expect(e.message.match(/folder/g)).toHaveLength(1); // it said "is a folder" twice
    expect((await stat(dir)).isDirectory()).toBe(true);
  });

  it('a read-only file: readable, append rejects with STORE_IO', async () => {
    const content = HEADER + line('a', 1, 1);
    await unchanged(content, async (path) => {
      await chmod(path, 0o444);
      const store = await openFileStore({ path });
      expect(await store.query()).toEqual([rec('a', 1, 1)]);
      await expect(store.append([rec('a', 2, 2)])).rejects.toMatchObject({ code: 'STORE_IO', message: expect.stringContaining('permission') });
      await expect(store.compact()).rejects.toMatchObject({ code: 'STORE_IO' });
      await store.close();
    });
  });

  it('readOnly: true never writes or creates', async () => {
    await unchanged(HEADER + line('a', 1, 1), async (path) => {
      const store = await openFileStore({ path, readOnly: true });
      expect(await store.query()).toHaveLength(1);
      await expect(store.append([rec('a', 2, 2)])).rejects.toMatchObject({ code: 'STORE_IO' });
      await expect(store.compact()).rejects.toMatchObject({ code: 'STORE_IO' });
      await store.close();
    });
    await expect(openFileStore({ path: join(await tempDir(), 'missing.jsonl'), readOnly: true })).rejects.toMatchObject({ code: 'STORE_IO' });
  });

  it('a file from a newer format version: STORE_VERSION', async () => {
    await unchanged('{"format":"autodev-metrics","version":2}\n' + line('a', 1, 1), async (path) => {
      await expect(openFileStore({ path })).rejects.toMatchObject({ code: 'STORE_VERSION', message: expect.stringContaining('upgrade') });
    });
  });

  it('not a metrics file (no header, a JSON array, another format): STORE_CORRUPT at line 1', async () => {
    for (const content of [line('a', 1, 1), '[{"metric_name":"x"}]\n', '{"format":"other","version":1}\n'])
      await unchanged(content, async (path) => {
        await expect(openFileStore({ path })).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining(':1:') });
      });
  });

  it('an incomplete batch (append cut short) is ignored as a whole and later appends are kept', async () => {
    const batch = (v: number) => `{"name":"b","value":${v},"timestamp":${v},"metadata":{},"batch":"abc/3"}\n`;
    const path = await unchanged(HEADER + line('a', 1, 1) + batch(2) + batch(3), async (path) => {
      const { warnings, onWarning } = collectWarnings();
      const store = await openFileStore({ path, onWarning });
      expect(await store.query()).toEqual([rec('a', 1, 1)]);
      expect(warnings.map((w) => [w.code, w.line])).toEqual([['INCOMPLETE_BATCH', 3]]);
      await store.close();
    });
    const store = await openFileStore({ path, onWarning: () => undefined });
    await store.append([rec('c', 4, 4)]);
    await store.append([rec('d', 5, 5), rec('d', 6, 6)]);
    expect((await store.query()).map((r) => r.value)).toEqual([1, 4, 5, 6]);
    await store.close();
  });

  it('a torn line directly followed by another writer’s record on the same line: the record is kept', async () => {
    await unchanged(HEADER + line('a', 1, 1) + '{"name":"a","value":2,"metadata":{"x":{"y"' + line('a', 3, 3) + line('a', 4, 4), async (path) => {
      const { warnings, onWarning } = collectWarnings();
      const store = await openFileStore({ path, onWarning });
      expect((await store.query()).map((r) => r.value)).toEqual([1, 3, 4]);
      expect(warnings.map((w) => [w.code, w.line])).toEqual([['TORN_LINE', 3]]);
      await store.close();
    });
  });

  it('a second header mid-file (files concatenated, or created by two processes at once) is accepted', async () => {
    await unchanged(HEADER + line('a', 1, 1) + HEADER + line('a', 2, 2), async (path) => {
      const store = await openFileStore({ path });
      expect((await store.query()).map((r) => r.value)).toEqual([1, 2]);
      await store.close();
    });
  });

  it('blank lines and hand-written records with other key orders are read', async () => {
    await unchanged(HEADER + '\n  \n' + '{ "timestamp": 5, "value": 2, "name": "hand" }\n', async (path) => {
      const { warnings, onWarning } = collectWarnings();
      const store = await openFileStore({ path, onWarning });
      expect(await store.query()).toEqual([rec('hand', 2, 5)]);
      expect(warnings).toEqual([]);
      await store.close();
    });
  });
});

describe('torn writes from two crashes on one line', () => {
  it('two torn writes, then a complete record, on one line: both tears ignored, the record kept', async () => {
    await unchanged(HEADER + line('a', 1, 1) + '{"name":"a","value":2,"times' + '{"name":"b","val' + line('a', 3, 3) + '{"name":"c"' + '{"name":"d","value":\n' + line('a', 4, 4), async (path) => {
      const { warnings, onWarning } = collectWarnings();
      const store = await openFileStore({ path, onWarning });
      expect((await store.query()).map((r) => r.value)).toEqual([1, 3, 4]);
      expect(warnings.map((w) => [w.code, w.line])).toEqual([
        ['TORN_LINE', 3],
        ['TORN_LINE', 4],
      ]);
      await store.close();
    });
  });
});
