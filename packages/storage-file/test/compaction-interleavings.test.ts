import type * as fsPromises from 'node:fs/promises';
import type * as fs from 'node:fs';
import type * as timersPromises from 'node:timers/promises';
import { closeSync, constants as fsConstants, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { appendFile, readFile, readdir, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Metadata, MetricRecord } from '@autodev/learning';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openFileStore } from '../src/index.js';
import { HEADER, line, tempDir } from './helpers.js';

// Interleavings of appends, compactions and reads, replayed deterministically: the mocked node:fs/promises lets a
// test run code just before or just after a chosen write reaches the kernel (the store writes only through
// FileHandle.write), just before a compaction's rename, and just after a lock file has been read; the mocked
// node:fs and node:timers/promises let it act right after a statSync of the metrics file and when the store sleeps
// (polling the lock). A write hook is taken by the first write whose text it matches; the afterEach checks that
// every hook a test set did run. No timing is involved.
interface WriteHook {
  match: (text: string) => boolean;
  before?: () => Promise<void>;
  after?: () => Promise<void>;
}
const fx = vi.hoisted(() => ({
  writes: [] as WriteHook[],
  /** Runs before the rename of a compaction's temporary file into place (once); may throw. */
  beforeRename: undefined as undefined | (() => Promise<void>),
  /** Throws instead of opening the metrics file for reading and appending (O_RDWR), as for a file the writer cannot read. */
  noReadWrite: false,
  /** Runs once the contents (or a descriptor) of a `.compacting` lock file have been obtained, before they are used. */
  afterLockRead: undefined as undefined | (() => Promise<void>),
  /** Called with the delay of every setTimeout from node:timers/promises (the lock polling sleeps). */
  onSleep: undefined as undefined | ((ms: number) => void),
  /** Called after every statSync of a `.jsonl` path has looked at the file, before its result is returned. */
  afterStatSync: undefined as undefined | (() => void),
}));

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof fsPromises>();
  const textOf = (a: unknown[]): string => {
    if (typeof a[0] === 'string') return a[0];
    const buf = a[0] as Buffer;
    const offset = typeof a[1] === 'number' ? a[1] : 0;
    const length = typeof a[2] === 'number' ? a[2] : buf.length - offset;
    return buf.toString('utf8', offset, offset + length);
  };
  const takeLockHook = async (path: unknown) => {
    const run = fx.afterLockRead;
    if (run === undefined || !String(path).endsWith('.compacting')) return;
    fx.afterLockRead = undefined;
    await run();
  };
  const open = async (...args: Parameters<typeof real.open>) => {
    const [path, flags] = args;
    if (fx.noReadWrite && flags === (fsConstants.O_RDWR | fsConstants.O_APPEND) && String(path).endsWith('.jsonl'))
      throw Object.assign(new Error(`EACCES: permission denied, open '${String(path)}'`), { code: 'EACCES' });
    const fh = await real.open(...args);
    if (flags === 'r') await takeLockHook(path);
    const write = fh.write.bind(fh) as (...a: unknown[]) => Promise<unknown>;
    Object.assign(fh, {
      write: async (...a: unknown[]) => {
        const text = textOf(a);
        const at = fx.writes.findIndex((h) => h.match(text));
        const hook = at < 0 ? undefined : fx.writes.splice(at, 1)[0];
        await hook?.before?.();
        const result = await write(...a);
        await hook?.after?.();
        return result;
      },
    });
    return fh;
  };
  const readFile = async (...args: Parameters<typeof real.readFile>) => {
    const result = await real.readFile(...args);
    await takeLockHook(args[0]);
    return result;
  };
  const rename = async (...args: Parameters<typeof real.rename>) => {
    const run = fx.beforeRename;
    if (run !== undefined && String(args[0]).endsWith('.compact.tmp')) {
      fx.beforeRename = undefined;
      await run();
    }
    return real.rename(...args);
  };
  const mocked = { ...real, open, readFile, rename };
  return { ...mocked, default: mocked };
});
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  const statSync = ((...args: Parameters<typeof real.statSync>) => {
    const result = real.statSync(...args);
    if (String(args[0]).endsWith('.jsonl')) fx.afterStatSync?.();
    return result;
  }) as typeof real.statSync;
  const mocked = { ...real, statSync };
  return { ...mocked, default: mocked };
});
vi.mock('node:timers/promises', async (importOriginal) => {
  const real = await importOriginal<typeof timersPromises>();
  const setTimeout = ((ms?: number, ...rest: unknown[]) => {
    fx.onSleep?.(ms ?? 0);
    return (real.setTimeout as (...a: unknown[]) => Promise<unknown>)(ms, ...rest);
  }) as typeof real.setTimeout;
  const mocked = { ...real, setTimeout };
  return { ...mocked, default: mocked };
});

afterEach(() => {
  // Every hook a test set must have run: otherwise the test did not replay the interleaving it is named after.
  const unused = { writes: fx.writes.length, beforeRename: fx.beforeRename !== undefined, afterLockRead: fx.afterLockRead !== undefined };
  fx.writes = [];
  fx.beforeRename = undefined;
  fx.noReadWrite = false;
  fx.afterLockRead = undefined;
  fx.onSleep = undefined;
  fx.afterStatSync = undefined;
  expect(unused).toEqual({ writes: 0, beforeRename: false, afterLockRead: false });
});

const rec = (value: number, metadata: Metadata = {}): MetricRecord => ({ name: 'm', value, timestamp: value, metadata });
/** Matches the write of the record (or first record of the batch) with this value, and nothing else. */
const writeOf = (value: number) => (text: string) => text.includes(`"value":${value},"timestamp":${value},`);
const isSeal = (text: string) => text.includes('"sealed"');

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function stored(path: string): Promise<number[]> {
  const fresh = await openFileStore({ path, onWarning: () => undefined });
  const values = (await fresh.query()).map((r) => r.value);
  await fresh.close();
  return values;
}
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const quiet = { onWarning: () => undefined };

const newPath = async () => join(await tempDir(), 'm.jsonl');
const openStore = (path: string, options: { fsync?: boolean; eager?: boolean } = {}) => openFileStore({ path, ...quiet, ...options });
/** A fresh file with two stores on it, as two processes would have: one appends, the other compacts. */
const writerAndCompactor = async () => {
  const path = await newPath();
  return { path, writer: await openStore(path), compactor: await openStore(path) };
};

describe('a write landing at each point of a compaction by another store', () => {
  it('between the compaction’s last read and its seal: the compaction copies it, and it is not written again', async () => {
    const { path, writer, compactor } = await writerAndCompactor();
    await writer.append([rec(1)]); // the append descriptor is open now
    const sealReached = deferred();
    const landed = deferred();
    let compaction: Promise<unknown> | undefined;
    fx.writes.push({
      match: writeOf(2),
      // The append checked for the lock already; its write reaches the file only once the compaction is at its seal.
      before: async () => {
        compaction = compactor.compact();
        await sealReached.promise;
      },
      after: async () => landed.resolve(),
    });
    fx.writes.push({
      match: isSeal,
      before: async () => {
        sealReached.resolve();
        await landed.promise;
      },
    });
    await writer.append([rec(2)]);
    expect(await compaction).toMatchObject({ records: 2 }); // copied by the compaction itself
    expect(fx.writes).toEqual([]);
    expect(await stored(path)).toEqual([1, 2]);
    await writer.close();
    await compactor.close();
  });

  it('between the seal and the rename: the writer finds it after the seal and writes it again, once', async () => {
    const { path, writer, compactor } = await writerAndCompactor();
    await writer.append([rec(1)]);
    const sealed = deferred();
    const landed = deferred();
    let compaction: Promise<unknown> | undefined;
    fx.writes.push({
      match: writeOf(2),
      before: async () => {
        compaction = compactor.compact();
        await sealed.promise;
      },
      after: async () => landed.resolve(),
    });
    fx.writes.push({ match: isSeal, after: async () => sealed.resolve() });
    fx.beforeRename = () => landed.promise; // the write is in the old file, after the seal, before the rename
    const batch = Array.from({ length: 20 }, (_, i) => rec(2 + i, { i }));
    await writer.append(batch);
    expect(await compaction).toMatchObject({ records: 1 }); // not copied: after the seal
    await writer.append([rec(100)]);
    expect(await stored(path)).toEqual([1, ...batch.map((r) => r.value), 100]);
    await writer.close();
    await compactor.close();
  });

  it('after two whole compactions: written again into the newest file, once', async () => {
    const { path, writer, compactor } = await writerAndCompactor();
    await writer.append([rec(1)]);
    fx.writes.push({
      match: writeOf(2),
      before: async () => {
        await compactor.compact();
        await compactor.append([rec(3)]);
        await compactor.compact();
      },
    });
    await writer.append([rec(2)]);
    expect(sorted(await stored(path))).toEqual([1, 2, 3]);
    await compactor.compact();
    expect(sorted(await stored(path))).toEqual([1, 2, 3]);
    await writer.close();
    await compactor.close();
  });
});

describe('the check after the write', () => {
  it('looks for the lock before it looks at the path: a compaction that renames in between is not missed', async () => {
    const path = await newPath();
    const writer = await openStore(path);
    await writer.append([rec(1)]);
    const lock = `${path}.compacting`;
    const tmp = `${path}.compact.tmp`;
    // A compaction by hand (another process, frozen between its seal and its rename): lock, copy, seal.
    let finish = () => undefined as void;
    fx.writes.push({
      match: writeOf(2),
      before: async () => {
        await writeFile(lock, String(process.pid));
        await writeFile(tmp, HEADER + line('m', 1, 1));
        await appendFile(path, '\n{"format":"autodev-metrics","version":1,"sealed":"0011223344556677"}\n');
        let done = false;
        finish = () => {
          if (done) return;
          done = true;
          renameSync(tmp, path);
          unlinkSync(lock);
        };
      },
      // The append's bytes are in the old file after the seal. The compaction renames and removes its lock at the
      // first of: the append looking at the path, or the append waiting for the lock.
      after: async () => {
        fx.afterStatSync = () => finish();
        fx.onSleep = () => finish();
      },
    });
    await writer.append([rec(2)]);
    expect(await stored(path)).toEqual([1, 2]);
    await writer.close();
  });
});

describe('a compaction that fails after sealing (its rename throws)', () => {
  it('leaves every record readable once; writes after its seal stay in the file and the next compaction keeps them', async () => {
    const { path, writer, compactor } = await writerAndCompactor();
    const other = await openStore(path);
    const reader = await openFileStore({ path, readOnly: true, ...quiet });
    await writer.append([rec(1)]);
    await other.append([rec(2)]);
    // The first compaction overtakes the writer's append, seals the file, and fails to rename it.
    fx.writes.push({
      match: writeOf(3),
      before: async () => {
        fx.beforeRename = () => Promise.reject(Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' }));
        await expect(compactor.compact()).rejects.toMatchObject({ code: 'STORE_IO' });
      },
    });
    await writer.append([rec(3)]); // lands after that seal, in the file that stays in place
    expect(await readFile(path, 'utf8')).toContain('"sealed"');
    expect(await reader.query().then((r) => r.map((x) => x.value))).toEqual([1, 2, 3]);
    await other.append([rec(4)]);
    // The second compaction overtakes another append of the same writer: after its seal, so written again.
    fx.writes.push({ match: writeOf(5), before: async () => void (await compactor.compact()) });
    await writer.append([rec(5)]);
    await other.append([rec(6)]);
    expect(await stored(path)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await reader.query().then((r) => r.map((x) => x.value))).toEqual([1, 2, 3, 4, 5, 6]);
    await compactor.compact();
    expect(await readFile(path, 'utf8')).not.toContain('"sealed"');
    expect(await stored(path)).toEqual([1, 2, 3, 4, 5, 6]);
    expect((await readdir(join(path, '..'))).sort()).toEqual(['m.jsonl']); // no temporary file or lock left
    for (const s of [writer, compactor, other, reader]) await s.close();
  });

  it('a write that lands between the failed compaction’s seal and a successful one is copied by the second, not written twice', async () => {
    const { path, writer, compactor } = await writerAndCompactor();
    await writer.append([rec(1)]);
    fx.writes.push({
      match: writeOf(2),
      before: async () => {
        fx.beforeRename = () => Promise.reject(Object.assign(new Error('EIO'), { code: 'EIO' }));
        await expect(compactor.compact()).rejects.toMatchObject({ code: 'STORE_IO' });
      },
      // Still before the writer's check after its write: the second compaction seals after its bytes.
      after: async () => void (await compactor.compact()),
    });
    await writer.append([rec(2)]);
    expect(await stored(path)).toEqual([1, 2]);
    await writer.close();
    await compactor.close();
  });
});

describe('writers of every kind overtaken by a compaction', () => {
  it('two stores of this process, one appending a batch, both overtaken by the same compaction: each record once', async () => {
    const path = await newPath();
    const w1 = await openStore(path);
    const w2 = await openStore(path);
    const compactor = await openStore(path);
    await w1.append([rec(1)]);
    await w2.append([rec(2)]);
    const batch = Array.from({ length: 30 }, (_, i) => rec(20 + i, { i }));
    let second: Promise<void> | undefined;
    fx.writes.push({
      match: writeOf(10),
      // w1 has checked; now w2 appends, and a whole compaction overtakes w2's write too; then both land.
      before: async () => {
        second = w2.append(batch);
        await second;
      },
    });
    fx.writes.push({ match: writeOf(20), before: async () => void (await compactor.compact()) });
    await w1.append([rec(10)]);
    await second;
    expect(sorted(await stored(path))).toEqual([1, 2, 10, ...batch.map((r) => r.value)]);
    for (const s of [w1, w2, compactor]) await s.close();
  });

  it('two appends of one store in flight together, the first overtaken: each record once, in call order', async () => {
    const { path, writer, compactor } = await writerAndCompactor();
    await writer.append([rec(1)]);
    fx.writes.push({ match: writeOf(2), before: async () => void (await compactor.compact()) });
    await Promise.all([writer.append([rec(2)]), writer.append([rec(3), rec(4)])]);
    expect(await stored(path)).toEqual([1, 2, 3, 4]);
    await writer.close();
    await compactor.close();
  });

  it('the compactor’s own store appending while it compacts, and another store too: each record once', async () => {
    const path = await newPath();
    const compactor = await openStore(path);
    const writer = await openStore(path);
    await compactor.append([rec(1)]);
    await writer.append([rec(2)]);
    fx.writes.push({ match: writeOf(4), before: async () => void (await compactor.compact()) });
    await Promise.all([compactor.compact(), compactor.append([rec(3)]), writer.append([rec(4)]), compactor.compact(), compactor.append([rec(5), rec(6)])]);
    expect(sorted((await compactor.query()).map((r) => r.value))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(sorted(await stored(path))).toEqual([1, 2, 3, 4, 5, 6]);
    await compactor.close();
    await writer.close();
  });

  it('a writer that has read the whole file (indexed) sees its record once in its own queries', async () => {
    const path = await newPath();
    const writer = await openStore(path, { eager: true });
    const compactor = await openStore(path, { eager: true });
    await writer.append([rec(1)]);
    expect((await writer.query()).map((r) => r.value)).toEqual([1]);
    fx.writes.push({ match: writeOf(2), before: async () => void (await compactor.compact()) });
    await writer.append([rec(2)]);
    expect((await writer.query()).map((r) => r.value)).toEqual([1, 2]);
    expect(await stored(path)).toEqual([1, 2]);
    await writer.close();
    await compactor.close();
  });

  it('with fsync: true, overtaken before and after its write: each record once', async () => {
    const path = await newPath();
    const writer = await openStore(path, { fsync: true });
    const compactor = await openStore(path, { fsync: true });
    await writer.append([rec(1)]);
    fx.writes.push({ match: writeOf(2), before: async () => void (await compactor.compact()) });
    await writer.append([rec(2), rec(3)]);
    fx.writes.push({ match: writeOf(4), after: async () => void (await compactor.compact()) });
    await writer.append([rec(4)]);
    expect(await stored(path)).toEqual([1, 2, 3, 4]);
    await writer.close();
    await compactor.close();
  });

  it('a writer whose file was emptied under it (truncated) and then compacted before its write lands: its record once, after a header', async () => {
    const { path, writer, compactor } = await writerAndCompactor();
    await writer.append([rec(1)]);
    await truncate(path, 0);
    fx.writes.push({ match: writeOf(2), before: async () => void (await compactor.compact()) });
    await writer.append([rec(2)]);
    expect(await stored(path)).toEqual([2]);
    expect(await readFile(path, 'utf8')).toMatch(/^\{"format":"autodev-metrics","version":1,"created":/);
    await writer.close();
    await compactor.close();
  });
});

describe('a read-only store reading while a compaction overtakes a batch', () => {
  it('never sees part of the batch or a record twice', async () => {
    const { path, writer, compactor } = await writerAndCompactor();
    const reader = await openFileStore({ path, readOnly: true, ...quiet });
    await writer.append([rec(1)]);
    const batch = Array.from({ length: 40 }, (_, i) => rec(10 + i, { i }));
    const seen: number[][] = [];
    const look = async () => void seen.push((await reader.query()).map((r) => r.value));
    fx.writes.push({
      match: writeOf(10),
      before: async () => {
        await look();
        await compactor.compact();
        await look();
      },
      after: look, // the batch is in the replaced file only, after its seal
    });
    // The writer's second write of the batch, into the new file.
    fx.writes.push({ match: writeOf(10), before: look, after: look });
    await writer.append(batch);
    await look();
    expect(fx.writes).toEqual([]);
    for (const values of seen) {
      expect(new Set(values).size).toBe(values.length);
      const mine = values.filter((v) => v >= 10).length;
      expect([0, batch.length]).toContain(mine);
    }
    expect(seen.at(-1)).toEqual([1, ...batch.map((r) => r.value)]);
    for (const s of [writer, compactor, reader]) await s.close();
  });
});

describe('a compactor killed after sealing (its seal, its lock and its temporary file left behind)', () => {
  it('appends, reads and the next compaction go on, and nothing is lost or doubled', async () => {
    const path = await newPath();
    const writer = await openStore(path);
    const reader = await openFileStore({ path, readOnly: true, ...quiet });
    await writer.append([rec(1), rec(2)]);
    // What a SIGKILL between the seal and the rename leaves: a pid that cannot exist (above Linux's pid_max).
    await appendFile(path, '\n{"format":"autodev-metrics","version":1,"sealed":"00112233aabbccdd"}\n');
    await writeFile(`${path}.compacting`, '2147483646');
    const tmp = `${path}.2147483646.0badf00d.compact.tmp`;
    await writeFile(tmp, '{"format":"autodev-metrics","version":1,"created":"2026-01-01T00:00:00.000Z"}\n{"name":"m","value":1,');
    await writer.append([rec(3)]); // removes the stale lock
    expect((await reader.query()).map((r) => r.value)).toEqual([1, 2, 3]);
    const compactor = await openFileStore({ path, ...quiet });
    fx.writes.push({ match: writeOf(4), before: async () => void (await compactor.compact()) });
    await writer.append([rec(4)]);
    expect(await stored(path)).toEqual([1, 2, 3, 4]);
    expect((await reader.query()).map((r) => r.value)).toEqual([1, 2, 3, 4]);
    expect(await readFile(path, 'utf8')).not.toContain('"sealed"');
    await unlink(tmp); // not removed by anyone (a killed compactor's temporary file)
    for (const s of [writer, compactor, reader]) await s.close();
  });
});

describe('defects found by replaying interleavings', () => {
  it('a writer that cannot read the file (write-only descriptor) does not store a record twice when a compaction copied it', async () => {
    const { path, writer, compactor } = await writerAndCompactor();
    fx.noReadWrite = true; // the append descriptor is opened write-only
    await writer.append([rec(1)]);
    // The compaction starts right after the write: it copies the record; the writer's check after its write sees the
    // lock and must read the replaced file to learn that.
    fx.writes.push({ match: writeOf(2), after: async () => void (await compactor.compact()) });
    await writer.append([rec(2)]);
    // Overtaken before its write: after the seal, written again.
    fx.writes.push({ match: writeOf(3), before: async () => void (await compactor.compact()) });
    await writer.append([rec(3)]);
    expect(await stored(path)).toEqual([1, 2, 3]);
    await writer.close();
    await compactor.close();
  });

  it('a record that lands after the seal right behind a torn line (a writer killed mid-write) is written again, not lost', async () => {
    const { path, writer, compactor } = await writerAndCompactor();
    await writer.append([rec(1)]);
    // Another process's descriptor on the file, whose write is cut short by a crash after the compaction.
    const crashed = openSync(path, 'a');
    try {
      fx.writes.push({
        match: writeOf(2),
        before: async () => {
          await compactor.compact();
          writeSync(crashed, '{"name":"m","value":99,"timest');
        },
      });
      await writer.append([rec(2)]);
    } finally {
      closeSync(crashed);
    }
    expect(await stored(path)).toEqual([1, 2]);
    await writer.close();
    await compactor.close();
  });

  it('a waiter that judged the lock stale does not remove the lock a new compaction took meanwhile', async () => {
    const { path, writer, compactor } = await writerAndCompactor();
    await writer.append([rec(1)]);
    const lock = `${path}.compacting`;
    await writeFile(lock, '2147483646'); // left by a killed compactor
    const atRename = deferred();
    const release = deferred();
    let compaction: Promise<unknown> | undefined;
    // The writer has read the dead pid; before it acts on it, another process removes that stale lock and a new
    // compaction takes the lock, seals the file and is about to rename its copy into place.
    fx.afterLockRead = async () => {
      await unlink(lock);
      fx.beforeRename = async () => {
        atRename.resolve();
        await release.promise;
      };
      compaction = compactor.compact();
      await atRename.promise;
    };
    const append = writer.append([rec(2)]);
    await atRename.promise;
    // Let the compaction go on once the append is either done or waiting for the lock (polling).
    const waiting = new Promise<void>((resolve) => (fx.onSleep = (ms) => ms < 50 && resolve()));
    await Promise.race([append, waiting]);
    release.resolve();
    await append;
    await compaction;
    expect(await stored(path)).toEqual([1, 2]);
    await writer.close();
    await compactor.close();
  });

  it('a compactor killed while taking the lock never leaves it empty (never taken for stale: every append waited forever)', async () => {
    const path = await newPath();
    const compactor = await openStore(path);
    const lock = `${path}.compacting`;
    const seen: (string | null)[] = [];
    fx.writes.push({
      match: (text) => text === String(process.pid),
      // What a SIGKILL just before the pid is written leaves.
      before: async () => void seen.push(await readFile(lock, 'utf8').catch(() => null)),
    });
    await compactor.compact();
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toBe('');
    expect((await readdir(join(path, '..'))).sort()).toEqual(['m.jsonl']);
    await compactor.close();
  });
});
