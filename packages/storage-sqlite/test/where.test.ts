// `where` runs in SQL (json_each per key, see whereSql in src/sqlite-store.ts). These tests pin that it
// answers exactly like the memory store's deep JSON equality on keys and values SQL makes awkward.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore, validateRecord, type JsonValue, type Metadata, type MetricQuery, type MetricRecord } from '@autodev/learning';
import { openSqliteStore, type SqliteStore } from '../src/index.js';

let dir: string;
let path: string;
let store: SqliteStore;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'autodev-sqlite-where-'));
  path = join(dir, 'metrics.db');
  store = await openSqliteStore({ path });
});
afterEach(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const rec = (value: number, metadata: Metadata, timestamp = value): MetricRecord => validateRecord({ name: 'm', value, timestamp, metadata });
// Not through validateRecord: it assigns keys with `=`, which turns a "__proto__" key into a prototype.
const raw = (value: number, metadata: Metadata): MetricRecord => ({ name: 'm', value, timestamp: value, metadata });
const values = async (where: MetricQuery['where'], extra: MetricQuery = {}) => (await store.query({ ...extra, where })).map((r) => r.value);

// Keys that need quoting in a JSON path, look like path syntax or SQL, or are otherwise unusual.
const AWKWARD_KEYS = ['a"b', 'a.b', '$.a', '$', "a'b", 'a\\b', '', '[0]', 'a[0]', '*', ' ', 'é😀', 'k\u0000', 'k\n', '__proto__', 'a"."b', "') OR 1=1 --", 'json_each'];

describe('where in SQL', () => {
  it('matches keys with quotes, dots, brackets, backslashes, NUL and other special characters exactly', async () => {
    await store.append(AWKWARD_KEYS.map((k, i) => raw(i, JSON.parse(JSON.stringify({ [k]: 'v', other: i })) as Metadata)));
    for (const [i, k] of AWKWARD_KEYS.entries()) {
      const where = JSON.parse(JSON.stringify({ [k]: 'v' })) as Metadata; // JSON.parse: '__proto__' as an own key
      expect(await values(where), JSON.stringify(k)).toEqual([i]);
    }
    // Path-like keys are keys, not paths: "a.b" does not reach { a: { b } }.
    await store.append([rec(100, { a: { b: 'v' } })]);
    expect(await values({ 'a.b': 'v' })).toEqual([AWKWARD_KEYS.indexOf('a.b')]);
    expect(await values({ a: { b: 'v' } })).toEqual([100]);
  });

  it('binds values as parameters: quotes and SQL in values are plain text', async () => {
    await store.append([rec(1, { s: "' OR '1'='1" }), rec(2, { s: 'x' }), rec(3, { s: '"); DROP TABLE autodev_metrics; --' })]);
    expect(await values({ s: "' OR '1'='1" })).toEqual([1]);
    expect(await values({ s: '"); DROP TABLE autodev_metrics; --' })).toEqual([3]);
    expect(await values({ s: "x' OR 1=1 --" })).toEqual([]);
  });

  it('compares numbers as doubles: 1 = 1.0, integers past 2^53, extremes, no string or boolean coercion', async () => {
    const numbers = [0, 1, -1, 1.5, 0.1 + 0.2, 2 ** 53 + 2, 3642456441340859000, -(2 ** 63), 2 ** 64, 1e21, 1e-7, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 2.2250738585072014e-308];
    await store.append(numbers.map((n, i) => rec(i, { n })));
    await store.append([rec(100, { n: '1' }), rec(101, { n: true }), rec(102, { n: false }), rec(103, { n: null }), rec(104, { n: [1] })]);
    for (const [i, n] of numbers.entries()) expect(await values({ n }), String(n)).toEqual([i]);
    expect(await values({ n: -0 })).toEqual([0]); // jsonEqual: 0 === -0
    expect(await values({ n: 0.3 })).toEqual([]); // not 0.1 + 0.2
    expect(await values({ n: 2 ** 53 + 1 })).toEqual([]); // rounds to 2^53, which is not stored
    expect(await values({ n: '1' })).toEqual([100]);
    expect(await values({ n: true })).toEqual([101]);
    expect(await values({ n: false })).toEqual([102]);
    expect(await values({ n: null })).toEqual([103]);
    expect(await values({ n: 'true' })).toEqual([]);
    expect(await values({ n: 'null' })).toEqual([]);
  });

  it('compares objects whole with key order ignored, arrays in order, nested to any depth', async () => {
    await store.append([
      rec(1, { o: { a: 1, b: [true, null, { c: 'd' }] } }),
      rec(2, { o: { b: [true, null, { c: 'd' }], a: 1 } }),
      rec(3, { o: { a: 1, b: [true, null, { c: 'd' }], extra: 0 } }),
      rec(4, { o: { a: 1, b: [null, true, { c: 'd' }] } }),
      rec(5, { o: { a: 1, b: [true, null, { c: 'd' }, 4] } }),
      rec(6, { o: {}, l: [] }),
      rec(7, { o: '{"a":1}', l: '[]' }),
    ]);
    expect(await values({ o: { b: [true, null, { c: 'd' }], a: 1 } })).toEqual([1, 2]);
    expect(await values({ o: { a: 1 } })).toEqual([]);
    expect(await values({ o: {} })).toEqual([6]);
    expect(await values({ l: [] })).toEqual([6]);
    expect(await values({ o: { a: 1 } as JsonValue, l: '[]' })).toEqual([]);
    expect(await values({ o: '{"a":1}' })).toEqual([7]);
  });

  it('applies limit and order after the filter', async () => {
    await store.append(Array.from({ length: 20 }, (_, i) => rec(i, { even: i % 2 === 0 })));
    expect(await values({ even: true }, { order: 'desc', limit: 3 })).toEqual([18, 16, 14]);
    expect(await values({ even: false }, { limit: 2 })).toEqual([1, 3]);
  });

  it('filters in SQL: rows that do not match are never decoded', async () => {
    await store.append([rec(1, { k: 'keep' }), rec(2, { k: 'drop' })]);
    const db = new Database(path);
    db.prepare(`UPDATE autodev_metrics SET value = 'not a number' WHERE value = 2`).run();
    db.close();
    expect(await values({ k: 'keep' })).toEqual([1]);
    await expect(store.query({ where: { k: 'drop' } })).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });

  it('still reports a row with unreadable metadata as STORE_CORRUPT naming the row', async () => {
    await store.append([rec(1, { k: 'v' }), rec(2, { k: 'v' })]);
    const db = new Database(path);
    db.prepare(`UPDATE autodev_metrics SET metadata = '{oops' WHERE value = 2`).run();
    db.close();
    await expect(store.query({ where: { k: 'v' } })).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining('seq=2') });
  });

  it('falls back to JS for what SQL cannot compare exactly, with the same answers', async () => {
    let deep: JsonValue = 'leaf';
    for (let d = 0; d < 12; d++) deep = { d: deep };
    const big = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, i]));
    await store.append([
      rec(1, { s: 'x\uD800', '\uDC00key': 1, deep, big }),
      rec(2, { s: 'x\uFFFD', '\uFFFDkey': 1, empty: {} }),
      rec(3, { s: 'x\uD800', list: [1, null, 3] }),
    ]);
    expect(await values({ s: 'x\uD800' })).toEqual([1, 3]);
    expect(await values({ s: 'x\uD800' }, { limit: 1 })).toEqual([1]);
    expect(await values({ '\uDC00key': 1 })).toEqual([1]);
    expect(await values({ deep })).toEqual([1]);
    expect(await values({ big })).toEqual([1]);
    // Values that are not JSON compare as the memory store compares them.
    const model = createMemoryStore();
    await model.append(await store.query());
    const holey: JsonValue[] = [];
    holey[0] = 1;
    holey[2] = 3; // jsonEqual skips the hole, so [1, <hole>, 3] matches [1, null, 3]
    const odd: MetricQuery['where'][] = [{ empty: new Date(0) as unknown as JsonValue }, { s: undefined as unknown as JsonValue }, { list: holey }, { s: NaN }];
    for (const where of odd) {
      // Both answer alike: today validateQuery refuses each of these (INVALID_ARGUMENT) on every backend.
      const expected = await model.query({ where }).then((rs) => rs.map((r) => r.value), (e: unknown) => (e as { code?: string }).code);
      expect(await values(where).catch((e: unknown) => (e as { code?: string }).code), JSON.stringify(where)).toEqual(expected);
    }
  });

  it('answers random filters on awkward keys and values like the memory store', async () => {
    // A small deterministic generator (mulberry32), so a failure reproduces.
    let seed = 0x5eed;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const scalars: JsonValue[] = [null, true, false, 0, 1, -1, 1.5, 0.1 + 0.2, 2 ** 60, 1e300, 5e-324, '', '1', 'true', 'a"b', 'é', '\u0000', 'x\uD800'];
    const keys = ['a', 'a.b', 'a"b', '', '$', 'k\u0000'];
    const json = (depth: number): JsonValue => {
      const r = random();
      if (depth > 2 || r < 0.6) return pick(scalars);
      if (r < 0.8) return Array.from({ length: Math.floor(random() * 3) }, () => json(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(random() * 3) }, () => [pick(keys), json(depth + 1)]));
    };
    const metadata = (): Metadata => Object.fromEntries(Array.from({ length: Math.floor(random() * 4) }, () => [pick(keys), json(0)]));
    const records = Array.from({ length: 300 }, (_, i) => rec(i, metadata(), Math.floor(i / 3)));
    await store.append(records);
    const model = createMemoryStore();
    await model.append(records);
    for (let q = 0; q < 300; q++) {
      // Half the filters copy entries of a stored record, so that many of them match something.
      const source = random() < 0.5 ? pick(records).metadata : metadata();
      const where = Object.fromEntries(Object.entries(source).filter(() => random() < 0.7));
      const query: MetricQuery = { where, order: pick(['asc', 'desc'] as const), ...(random() < 0.3 ? { limit: Math.floor(random() * 5) } : {}) };
      expect(await values(where, query), JSON.stringify(query)).toEqual((await model.query(query)).map((r) => r.value));
    }
  });
});
