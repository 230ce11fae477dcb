import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import type { MetricRecord } from '@autodev/learning';
import { OPEN_STORE_OPTIONS, openSqliteStore, openStore, parseSqliteUrl, SQLITE_SCHEMA_VERSION, type SqliteStore } from '../src/index.js';

let dir: string;
let path: string;
let store: SqliteStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'autodev-sqlite-'));
  path = join(dir, 'metrics.db');
  store = await openSqliteStore({ path });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const rec = (name: string, value: number, timestamp: number, metadata: MetricRecord['metadata'] = {}): MetricRecord => ({ name, value, timestamp, metadata });

describe('openSqliteStore', () => {
  it('round-trips extreme numbers, fractional timestamps and awkward strings exactly', async () => {
    const records = [
      rec('v', Number.MAX_VALUE, 0),
      rec('v', -Number.MAX_VALUE, -8.64e15),
      rec('v', Number.MIN_VALUE, 8.64e15),
      rec('v', 0.1 + 0.2, 1.5),
      rec('lone\uD800surrogate', 1, 2, { '\uDC00key': 'x\uD800', nul: 'a\u0000b', emoji: '😀', nested: { a: [1, { b: null }], big: 1e300, tiny: 5e-324 } }),
      rec('\uFDD0starts-with-marker', 2, 3, { s: '\uFDD0x' }),
    ];
    await store.append(records);
    await store.close();
    store = await openSqliteStore({ path });
    const back = await store.query();
    expect(back).toEqual([...records].sort((a, b) => a.timestamp - b.timestamp));
    expect(await store.query({ name: 'lone\uD800surrogate' })).toEqual([records[4]]);
    expect(await store.query({ name: 'lone\uFFFDsurrogate' })).toEqual([]);
  });

  it('orders by timestamp with ties in insertion order, desc reverses both, limit after ordering', async () => {
    await store.append([rec('m', 1, 10), rec('m', 2, 5), rec('m', 3, 10)]);
    await store.append([rec('m', 4, 5), rec('m', 5, 10)]);
    expect((await store.query({ name: 'm' })).map((r) => r.value)).toEqual([2, 4, 1, 3, 5]);
    expect((await store.query({ name: 'm', order: 'desc' })).map((r) => r.value)).toEqual([5, 3, 1, 4, 2]);
    expect((await store.query({ name: 'm', order: 'desc', limit: 2 })).map((r) => r.value)).toEqual([5, 3]);
    expect((await store.query({ name: 'm', from: 5, to: 10 })).map((r) => r.value)).toEqual([2, 4]);
    expect(await store.query({ name: 'm', limit: 0 })).toEqual([]);
  });

  it('filters metadata by deep JSON equality, not containment or loose equality', async () => {
    await store.append([
      rec('m', 1, 1, { o: { a: 1, b: [1, 2] }, flag: true }),
      rec('m', 2, 2, { o: { a: 1, b: [1, 2], c: 3 }, flag: 1 }),
      rec('m', 3, 3, { o: { b: [1, 2], a: 1 }, flag: null }),
      rec('m', 4, 4, { o: { a: 1, b: [2, 1] } }),
    ]);
    const values = async (where: Record<string, never> | object, limit?: number) =>
      (await store.query({ name: 'm', where: where as never, limit })).map((r) => r.value);
    expect(await values({ o: { a: 1, b: [1, 2] } })).toEqual([1, 3]);
    expect(await values({ o: { a: 1, b: [1, 2] } }, 1)).toEqual([1]);
    expect(await values({ flag: true })).toEqual([1]);
    expect(await values({ flag: 1 })).toEqual([2]);
    expect(await values({ flag: null })).toEqual([3]);
    expect(await values({})).toEqual([1, 2, 3, 4]);
  });

  it('lists distinct names sorted by UTF-16 code unit', async () => {
    const names = ['b', 'B', 'a', 'é', '\uFFFF', '😀', 'a_b', 'a b'];
    await store.append(names.flatMap((n, i) => [rec(n, i, i), rec(n, i, i + 1)]));
    expect(await store.names()).toEqual([...names].sort());
  });

  it('appends all or nothing', async () => {
    await store.append([rec('m', 1, 1)]);
    const bad = { name: 'm', value: null, timestamp: 3, metadata: {} } as unknown as MetricRecord;
    await expect(store.append([rec('m', 2, 2), bad])).rejects.toMatchObject({ code: 'INVALID_RECORD' });
    expect((await store.query()).map((r) => r.value)).toEqual([1]);
  });

  it('rejects records a direct caller got wrong with INVALID_RECORD instead of storing rows that break every later query', async () => {
    await store.append([rec('m', 1, 1)]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bad: unknown[] = [
      { name: 'm', value: 'abc', timestamp: 2, metadata: {} }, // SQLite would store the text in the REAL column
      { name: 'm', value: 2, timestamp: '2026-01-01', metadata: {} },
      { name: 'm', value: 2, timestamp: 2, metadata: [1] },
      { name: 'm', value: 2, timestamp: 2, metadata: new Date(0) }, // JSON.stringify writes a string
      { name: 'm', value: 2, timestamp: 2, metadata: { n: 1n } },
      { name: 'm', value: 2, timestamp: 2, metadata: cyclic },
      { name: 5, value: 2, timestamp: 2, metadata: {} },
      { name: 'm', value: Number.NaN, timestamp: 2, metadata: {} },
      null,
    ];
    for (const b of bad) await expect(store.append([rec('m', 2, 2), b as MetricRecord])).rejects.toMatchObject({ code: 'INVALID_RECORD', name: 'LearningError' });
    expect(await store.query()).toEqual([rec('m', 1, 1)]);
  });

  it('accepts any whole-number limit, also beyond 64-bit integers (1e300, Number.MAX_VALUE)', async () => {
    await store.append([rec('m', 1, 1), rec('m', 2, 2)]);
    for (const limit of [2 ** 63, 1e300, Number.MAX_VALUE]) {
      expect((await store.query({ limit })).map((r) => r.value)).toEqual([1, 2]);
      expect((await store.query({ name: 'm', where: { x: 1 }, limit })).map((r) => r.value)).toEqual([]);
    }
  });

  it('close is idempotent and then every method rejects with STORE_CLOSED', async () => {
    await store.close();
    await store.close();
    await expect(store.append([rec('m', 1, 1)])).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(store.query()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(store.names()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
  });

  it('rejects bad queries and options with INVALID_ARGUMENT', async () => {
    await expect(store.query({ limit: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openSqliteStore({ path: '' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openSqliteStore({ path, busyTimeoutMs: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openSqliteStore({ path, synchronous: 'off' as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // A misspelt option is refused, not ignored: { readonly: true } (better-sqlite3's own spelling) created the
    // database and appended to it.
    const typo = join(dir, 'typo.db');
    await expect(openSqliteStore({ path: typo, readonly: true } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/unknown option "readonly"; did you mean readOnly\?/) });
    await expect(openSqliteStore({ path: typo, timeout: 100 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/did you mean busyTimeoutMs\?/) });
    await expect(openSqliteStore({ path: typo, toString: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/unknown option "toString" \(options: path, /) });
    expect(existsSync(typo)).toBe(false);
  });

  it('reports a file that is not a database as STORE_CORRUPT and leaves it unchanged', async () => {
    const other = join(dir, 'notes.db');
    const text = 'these are not the bytes of a SQLite database\n'.repeat(100);
    await writeFile(other, text);
    await expect(openSqliteStore({ path: other })).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    expect(await readFile(other, 'utf8')).toBe(text);
  });

  it('reports a folder where the file should be as STORE_IO', async () => {
    const folder = join(dir, 'folder.db');
    await mkdir(folder);
    await expect(openSqliteStore({ path: folder })).rejects.toMatchObject({ code: 'STORE_IO' });
  });

  it('refuses a database from a newer schema version with STORE_VERSION', async () => {
    await store.close();
    const db = new Database(path);
    db.prepare(`UPDATE autodev_meta SET value = ? WHERE key = 'schema_version'`).run(String(SQLITE_SCHEMA_VERSION + 1));
    db.close();
    await expect(openSqliteStore({ path })).rejects.toMatchObject({ code: 'STORE_VERSION' });
  });

  it('reports an unreadable row as STORE_CORRUPT naming the row', async () => {
    await store.append([rec('m', 1, 1)]);
    const db = new Database(path);
    db.prepare(`UPDATE autodev_metrics SET metadata = '{oops'`).run();
    db.close();
    await expect(store.query({ name: 'm' })).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining('seq=1') });
  });

  it('creates parent folders and uses WAL mode', async () => {
    const nested = await openSqliteStore({ path: join(dir, 'a', 'b', 'm.db') });
    await nested.append([rec('m', 1, 1)]);
    await nested.close();
    const db = new Database(join(dir, 'a', 'b', 'm.db'));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });
});

describe('openStore / parseSqliteUrl', () => {
  it('maps sqlite: URLs to options', () => {
    expect(parseSqliteUrl('sqlite:.autodev/metrics.db')).toEqual({ path: '.autodev/metrics.db' });
    expect(parseSqliteUrl('sqlite:///var/m.db')).toEqual({ path: '/var/m.db' });
    expect(parseSqliteUrl('sqlite:/var/m.db?synchronous=normal&busyTimeoutMs=100')).toEqual({ path: '/var/m.db', synchronous: 'normal', busyTimeoutMs: 100 });
    expect(parseSqliteUrl('sqlite::memory:')).toEqual({ path: ':memory:' });
    expect(() => parseSqliteUrl('postgres://x')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => parseSqliteUrl('sqlite:')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => parseSqliteUrl('sqlite:m.db?fsync=1')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('opens a working store from a URL', async () => {
    const s = await openStore(`sqlite:${join(dir, 'url.db')}`);
    await s.append([rec('m', 1, 1)]);
    expect(await s.names()).toEqual(['m']);
    await s.close();
    await expect(openStore('file:x')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('readOnly', () => {
  const readOnlyRejection = { code: 'STORE_IO', message: expect.stringContaining('opened read-only') };

  it('creates no file and no folders for a missing database, answers empty with exists: false, and refuses append', async () => {
    const missing = join(dir, 'typo', 'deeper', 'metrics.db');
    const s = await openStore(`sqlite:${missing}`, { readOnly: true });
    expect(s.exists).toBe(false);
    // The empty store itself is learning's createMissingStore (tested there): it answers empty and refuses append.
    expect(await s.query({ name: 'm' })).toEqual([]);
    await expect(s.append([rec('m', 1, 1)])).rejects.toMatchObject(readOnlyRejection);
    await s.close();
    expect(existsSync(join(dir, 'typo'))).toBe(false);
    const beside = await openSqliteStore({ path: join(dir, 'beside.db'), readOnly: true });
    expect(beside.exists).toBe(false);
    await beside.close();
    expect(readdirSync(dir).filter((f) => !f.startsWith('metrics.db'))).toEqual([]); // metrics.db is the open store of beforeEach
    // Opened for writing, the same URL creates it as before.
    const created = await openStore(`sqlite:${missing}`);
    expect(created.exists).toBe(true);
    await created.close();
    expect(existsSync(missing)).toBe(true);
  });

  it('reads an existing database without changing it or leaving -wal/-shm files, sees later appends, and refuses append', async () => {
    await store.append([rec('b', 2, 2, { k: 'x' }), rec('a', 1, 1)]);
    await store.close();
    const before = await readFile(path);
    const s = await openStore(`sqlite:${path}?busyTimeoutMs=100`, { readOnly: true });
    expect(s.exists).toBe(true);
    expect(await s.names()).toEqual(['a', 'b']);
    expect(await s.query({ where: { k: 'x' } })).toEqual([rec('b', 2, 2, { k: 'x' })]);
    await expect(s.append([rec('c', 3, 3)])).rejects.toMatchObject(readOnlyRejection);
    await expect(s.append([])).rejects.toMatchObject(readOnlyRejection);
    await s.close();
    expect(readdirSync(dir)).toEqual(['metrics.db']);
    expect((await readFile(path)).equals(before)).toBe(true);
    // A writer appending while it is open: the reader sees the committed records.
    const reader = await openSqliteStore({ path, readOnly: true });
    store = await openSqliteStore({ path });
    await store.append([rec('c', 3, 3)]);
    expect(await reader.names()).toEqual(['a', 'b', 'c']);
    await reader.close();
  });

  it('treats a file without the records table as no store (leaving it as it was), and still refuses foreign, newer or damaged ones', async () => {
    await writeFile(join(dir, 'empty.db'), '');
    const empty = await openSqliteStore({ path: join(dir, 'empty.db'), readOnly: true });
    expect(empty.exists).toBe(false);
    expect(await empty.names()).toEqual([]);
    await empty.close();
    expect((await readFile(join(dir, 'empty.db'))).length).toBe(0);

    const foreign = new Database(join(dir, 'foreign.db'));
    foreign.exec('CREATE TABLE autodev_metrics (x TEXT)');
    foreign.close();
    await expect(openSqliteStore({ path: join(dir, 'foreign.db'), readOnly: true })).rejects.toMatchObject({ code: 'STORE_CORRUPT' });

    await store.close();
    const db = new Database(path);
    db.prepare(`UPDATE autodev_meta SET value = ? WHERE key = 'schema_version'`).run(String(SQLITE_SCHEMA_VERSION + 1));
    db.close();
    await expect(openSqliteStore({ path, readOnly: true })).rejects.toMatchObject({ code: 'STORE_VERSION' });

    await writeFile(join(dir, 'junk.db'), 'not a database '.repeat(40));
    await expect(openSqliteStore({ path: join(dir, 'junk.db'), readOnly: true })).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    await expect(openSqliteStore({ path, readOnly: 'yes' as unknown as boolean })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('gives an empty store for sqlite::memory:, and says it understands readOnly (OPEN_STORE_OPTIONS)', async () => {
    const s = await openStore('sqlite::memory:', { readOnly: true });
    expect(s.exists).toBe(false);
    expect(await s.query()).toEqual([]);
    await expect(s.append([rec('m', 1, 1)])).rejects.toMatchObject(readOnlyRejection);
    await s.close();
    expect(OPEN_STORE_OPTIONS).toContain('readOnly');
  });
});
