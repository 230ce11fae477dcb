import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MetricRecord } from '@autodev/learning';
import { OPEN_STORE_OPTIONS, openPostgresStore, openStore, parsePostgresUrl, POSTGRES_SCHEMA_VERSION, type PostgresStore } from '../src/index.js';
import { databaseUrl, randomSchema } from './fixtures/database-url.js';

const url = databaseUrl();
let admin: pg.Pool;
let schema: string;
let store: PostgresStore;
const schemas: string[] = [];

beforeAll(() => {
  admin = new pg.Pool({ connectionString: url, max: 2 });
});
afterAll(async () => {
  for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await admin.end();
});
beforeEach(async () => {
  schema = randomSchema();
  schemas.push(schema);
  store = await openPostgresStore({ connectionString: url, schema });
});
afterEach(async () => {
  await store.close();
});

const rec = (name: string, value: number, timestamp: number, metadata: MetricRecord['metadata'] = {}): MetricRecord => ({ name, value, timestamp, metadata });

describe('openPostgresStore', () => {
  it('round-trips extreme numbers, fractional timestamps and awkward strings exactly', async () => {
    const records = [
      rec('v', Number.MAX_VALUE, 0),
      rec('v', -Number.MAX_VALUE, -8.64e15),
      rec('v', Number.MIN_VALUE, 8.64e15),
      rec('v', 0.1 + 0.2, 1.5),
      rec('lone\uD800surrogate', 1, 2, { '\uDC00key': 'x\uD800', nul: 'a\u0000b', 'k\u0000': [1, '\u0000'], emoji: '😀', nested: { a: [1, { b: null }], big: 1e300, tiny: 5e-324, neg: -1.5e-300 } }),
      rec('\uFDD0starts-with-marker', 2, 3, { s: '\uFDD0x', ['__proto__']: { p: 1 } }),
    ];
    await store.append(records);
    await store.close();
    store = await openPostgresStore({ connectionString: url, schema });
    const back = await store.query();
    expect(back).toEqual([...records].sort((a, b) => a.timestamp - b.timestamp));
    expect(Object.hasOwn(back.find((r) => r.value === 2)!.metadata, '__proto__')).toBe(true);
    expect(await store.query({ name: 'lone\uD800surrogate' })).toEqual([records[4]]);
    expect(await store.query({ name: 'lone\uFFFDsurrogate' })).toEqual([]);
    expect((await store.query({ where: { nul: 'a\u0000b' } })).map((r) => r.value)).toEqual([1]);
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

  it('keeps call order of appends that are not awaited one by one', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.append([rec('m', i, 1)])));
    expect((await store.query({ name: 'm' })).map((r) => r.value)).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('filters metadata by deep JSON equality, not containment or loose equality', async () => {
    await store.append([
      rec('m', 1, 1, { o: { a: 1, b: [1, 2] }, flag: true }),
      rec('m', 2, 2, { o: { a: 1, b: [1, 2], c: 3 }, flag: 1 }),
      rec('m', 3, 3, { o: { b: [1, 2], a: 1 }, flag: null }),
      rec('m', 4, 4, { o: { a: 1, b: [2, 1] }, flag: '1' }),
      rec('m', 5, 5, { o: { a: 1.0, b: [1, 2, 2] }, arr: [{ x: 1 }] }),
    ]);
    const values = async (where: object, limit?: number) => (await store.query({ name: 'm', where: where as never, limit })).map((r) => r.value);
    expect(await values({ o: { a: 1, b: [1, 2] } })).toEqual([1, 3]);
    expect(await values({ o: { a: 1, b: [1, 2] } }, 1)).toEqual([1]);
    expect(await values({ flag: true })).toEqual([1]);
    expect(await values({ flag: 1 })).toEqual([2]);
    expect(await values({ flag: null })).toEqual([3]);
    expect(await values({ flag: '1' })).toEqual([4]);
    expect(await values({ arr: [{ x: 1 }] })).toEqual([5]);
    expect(await values({ arr: [] })).toEqual([]);
    expect(await values({ missing: null })).toEqual([]);
    expect(await values({})).toEqual([1, 2, 3, 4, 5]);
  });

  it('lists distinct names sorted by UTF-16 code unit, whatever the database collation', async () => {
    const names = ['b', 'B', 'a', 'é', '\uFFFF', '😀', 'a_b', 'a b', 'Z'];
    await store.append(names.flatMap((n, i) => [rec(n, i, i), rec(n, i, i + 1)]));
    expect(await store.names()).toEqual([...names].sort());
  });

  it('appends all or nothing, across statement chunks too', async () => {
    const chunked = await openPostgresStore({ connectionString: url, schema, batchSize: 2 });
    await chunked.append([rec('m', 1, 1)]);
    // Valid for the store, refused by the server in the second statement: an index entry is limited to a few KB
    // (random hex, so compression cannot shrink it under the limit).
    const refused = rec(randomBytes(10_000).toString('hex'), 9, 9);
    await expect(chunked.append([rec('m', 2, 2), rec('m', 3, 3), rec('m', 4, 4), refused])).rejects.toMatchObject({ code: 'STORE_IO' });
    await chunked.append([rec('m', 5, 5), rec('m', 6, 6), rec('m', 7, 7)]);
    expect((await chunked.query()).map((r) => r.value)).toEqual([1, 5, 6, 7]);
    await chunked.close();
  });

  it('rejects records a direct caller got wrong with INVALID_RECORD, writing nothing (no NaN stored, no row that breaks later queries)', async () => {
    await store.append([rec('m', 1, 1)]);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const bad: unknown[] = [
      { name: 'm', value: Number.NaN, timestamp: 2, metadata: {} }, // float8 takes NaN
      { name: 'm', value: null, timestamp: 2, metadata: {} },
      { name: 'm', value: 2, timestamp: '2026-01-01', metadata: {} },
      { name: 'm', value: 2, timestamp: 2, metadata: [1] }, // jsonb takes an array
      { name: 'm', value: 2, timestamp: 2, metadata: new Date(0) }, // JSON.stringify writes a string
      { name: 'm', value: 2, timestamp: 2, metadata: { n: 1n } },
      { name: 'm', value: 2, timestamp: 2, metadata: cyclic },
      { name: 5, value: 2, timestamp: 2, metadata: {} },
      null,
    ];
    for (const b of bad) await expect(store.append([rec('m', 2, 2), b as MetricRecord])).rejects.toMatchObject({ code: 'INVALID_RECORD', name: 'LearningError' });
    expect(await store.query()).toEqual([rec('m', 1, 1)]);
  });

  it('stores what the array held when append was called, even if the caller empties it before the append runs', async () => {
    const buffer = [rec('m', 2, 2)];
    const first = store.append([rec('m', 1, 1)]); // the next append waits for this one
    const second = store.append(buffer);
    buffer.length = 0; // a collector reusing its buffer
    await Promise.all([first, second]);
    expect((await store.query()).map((r) => r.value)).toEqual([1, 2]);
  });

  it('accepts any whole-number limit, also beyond bigint (1e300, Number.MAX_VALUE)', async () => {
    await store.append([rec('m', 1, 1), rec('m', 2, 2)]);
    for (const limit of [2 ** 63, 1e300, Number.MAX_VALUE]) expect((await store.query({ limit })).map((r) => r.value)).toEqual([1, 2]);
  });

  it('close is idempotent, waits for pending calls, and then every method rejects with STORE_CLOSED', async () => {
    const pending = store.append([rec('m', 1, 1)]);
    await store.close();
    await pending;
    await store.close();
    await expect(store.append([rec('m', 1, 1)])).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(store.query()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(store.names()).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    const again = await openPostgresStore({ connectionString: url, schema });
    expect(await again.query()).toHaveLength(1);
    await again.close();
  });

  it('borrows a pool it was given and leaves it open', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const s = await openPostgresStore({ pool, schema, table: 'borrowed' });
    await s.append([rec('m', 1, 1)]);
    await s.close();
    expect((await pool.query(`SELECT count(*)::int AS n FROM "${schema}".borrowed`)).rows[0].n).toBe(1);
    await pool.end();
  });

  it('rejects bad queries and options with INVALID_ARGUMENT', async () => {
    await expect(store.query({ limit: 1.5 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openPostgresStore({})).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openPostgresStore({ connectionString: url, schema: 'bad"name' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openPostgresStore({ connectionString: url, table: '1x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openPostgresStore({ connectionString: url, batchSize: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // A misspelt option is refused, not ignored: { readonly: true } created the schema and appended, { max: 2 }
    // (pg.Pool's name) kept 4 connections.
    const typo = randomSchema();
    schemas.push(typo);
    await expect(openPostgresStore({ connectionString: url, schema: typo, readonly: true } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/unknown option "readonly"; did you mean readOnly\?/) });
    await expect(openPostgresStore({ connectionString: url, schema: typo, max: 2 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/did you mean maxConnections\?/) });
    await expect(openPostgresStore({ connectionString: url, schema: typo, toString: 1 } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/unknown option "toString" \(options: connectionString, /) });
    expect((await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [typo])).rowCount).toBe(0);
  });

  it('reports an unreachable server as STORE_IO with the driver error as cause', async () => {
    const err = await openPostgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test', schema }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'STORE_IO', cause: expect.objectContaining({ code: 'ECONNREFUSED' }) });
  });

  it('refuses tables from a newer schema version with STORE_VERSION', async () => {
    await admin.query(`UPDATE "${schema}".autodev_metrics_schema SET version = $1`, [POSTGRES_SCHEMA_VERSION + 1]);
    await expect(openPostgresStore({ connectionString: url, schema })).rejects.toMatchObject({ code: 'STORE_VERSION' });
  });

  it('reports an undecodable row as STORE_CORRUPT naming its name and timestamp', async () => {
    await store.append([rec('m', 1, 1), rec('m', 2, 2.5)]);
    await admin.query(`UPDATE "${schema}".autodev_metrics SET metadata = '[1]'::jsonb WHERE value = 2`);
    await expect(store.query({ name: 'm' })).rejects.toMatchObject({
      code: 'STORE_CORRUPT',
      message: expect.stringContaining('name = "m" and timestamp_ms = 2.5: metadata is not a JSON object'),
    });
    await admin.query(`UPDATE "${schema}".autodev_metrics SET name = E'\\uFDD0{oops' WHERE value = 1`);
    await expect(store.query({})).rejects.toMatchObject({ code: 'STORE_CORRUPT', message: expect.stringContaining('an encoded name or metadata string is not valid') });
  });

  it('refuses a foreign table of the same name with STORE_CORRUPT', async () => {
    await admin.query(`CREATE TABLE "${schema}".foreign_t (seq bigint, name text, value text)`);
    await expect(openPostgresStore({ connectionString: url, schema, table: 'foreign_t' })).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
  });

  it('keeps every record exactly once when several pools in one process append at the same time', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => openPostgresStore({ connectionString: url, schema, maxConnections: 2 })));
    await Promise.all(
      stores.map((s, w) =>
        Promise.all(Array.from({ length: 50 }, (_, i) => s.append([rec(`pool_${w}`, i, i), rec(`pool_${w}`, i + 0.5, i)]))),
      ),
    );
    for (let w = 0; w < stores.length; w++)
      expect((await store.query({ name: `pool_${w}` })).map((r) => r.value)).toEqual(Array.from({ length: 50 }, (_, i) => [i, i + 0.5]).flat());
    await Promise.all(stores.map((s) => s.close()));
  });
});

describe('openStore / parsePostgresUrl', () => {
  it('separates the store options from the driver connection string', () => {
    expect(parsePostgresUrl('postgres://u:p@h:5433/db?schema=ci&table=m&sslmode=require&maxConnections=2')).toEqual({
      connectionString: 'postgres://u:p@h:5433/db?sslmode=require',
      schema: 'ci',
      table: 'm',
      maxConnections: 2,
    });
    expect(parsePostgresUrl('postgresql://h/db')).toEqual({ connectionString: 'postgresql://h/db' });
    expect(() => parsePostgresUrl('sqlite:x.db')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  it('opens a working store from a URL', async () => {
    const u = new URL(url);
    u.searchParams.set('schema', schema);
    u.searchParams.set('table', 'from_url');
    const s = await openStore(u.toString());
    await s.append([rec('m', 1, 1)]);
    expect(await s.names()).toEqual(['m']);
    expect(s.table).toBe(`"${schema}"."from_url"`);
    await s.close();
  });
});

describe('readOnly', () => {
  const readOnlyRejection = { code: 'STORE_IO', message: expect.stringContaining('opened read-only') };
  const withParams = (params: Record<string, string>) => {
    const u = new URL(url);
    for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
    return u.toString();
  };
  const schemaExists = async (name: string) => (await admin.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [name])).rowCount === 1;
  const relationExists = async (qualified: string) => (await admin.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [qualified])).rows[0]?.t != null;

  it('creates no schema and no tables for a missing store, answers empty with exists: false, and refuses append', async () => {
    const missing = randomSchema();
    schemas.push(missing); // dropped after all, should the code under test create it after all
    const s = await openStore(withParams({ schema: missing }), { readOnly: true });
    expect(s.exists).toBe(false);
    expect(s.table).toBe(`"${missing}"."autodev_metrics"`);
    // The empty store itself is learning's createMissingStore (tested there): it answers empty and refuses append.
    expect(await s.query({ name: 'm' })).toEqual([]);
    await expect(s.append([rec('m', 1, 1)])).rejects.toMatchObject(readOnlyRejection);
    await s.close();
    expect(await schemaExists(missing)).toBe(false);
    // A missing table in an existing schema: not created either.
    const t = await openPostgresStore({ connectionString: url, schema, table: 'typo_table', readOnly: true });
    expect(t.exists).toBe(false);
    await t.close();
    expect(await relationExists(`"${schema}"."typo_table"`)).toBe(false);
    expect(await relationExists(`"${schema}"."typo_table_schema"`)).toBe(false);
    // Opened for writing, the same URL creates it as before.
    const created = await openStore(withParams({ schema: missing }));
    expect(created.exists).toBe(true);
    await created.close();
    expect(await relationExists(`"${missing}"."autodev_metrics"`)).toBe(true);
  });

  it('reads an existing store, sees later appends, and refuses append', async () => {
    await store.append([rec('b', 2, 2, { k: 'x' }), rec('a', 1, 1)]);
    const s = await openStore(withParams({ schema }), { readOnly: true });
    expect(s.exists).toBe(true);
    expect(await s.names()).toEqual(['a', 'b']);
    expect(await s.query({ where: { k: 'x' } })).toEqual([rec('b', 2, 2, { k: 'x' })]);
    await expect(s.append([rec('c', 3, 3)])).rejects.toMatchObject(readOnlyRejection);
    await expect(s.append([])).rejects.toMatchObject(readOnlyRejection);
    await store.append([rec('c', 3, 3)]);
    expect(await s.names()).toEqual(['a', 'b', 'c']);
    await s.close();
    expect((await admin.query(`SELECT count(*)::int AS n FROM "${schema}".autodev_metrics`)).rows[0]).toEqual({ n: 3 });
  });

  it('still refuses a newer schema version and a foreign table, and says it understands readOnly (OPEN_STORE_OPTIONS)', async () => {
    await admin.query(`CREATE TABLE "${schema}".foreign_t (seq bigint, name text, value text)`);
    await expect(openPostgresStore({ connectionString: url, schema, table: 'foreign_t', readOnly: true })).rejects.toMatchObject({ code: 'STORE_CORRUPT' });
    await admin.query(`UPDATE "${schema}".autodev_metrics_schema SET version = $1`, [POSTGRES_SCHEMA_VERSION + 1]);
    await expect(openPostgresStore({ connectionString: url, schema, readOnly: true })).rejects.toMatchObject({ code: 'STORE_VERSION' });
    await expect(openPostgresStore({ connectionString: url, schema, readOnly: 1 as unknown as boolean })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(OPEN_STORE_OPTIONS).toContain('readOnly');
  });
});

describe('connecting without a user name', () => {
  it('says to put the user in the URL or set PGUSER', async () => {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    u.searchParams.set('schema', schema);
    // pg falls back to PGUSER, then to USER as it was when pg was loaded (pg.defaults.user).
    const saved = { env: process.env.PGUSER, defaults: pg.defaults.user };
    delete process.env.PGUSER;
    pg.defaults.user = undefined;
    try {
      const err = await openStore(u.toString(), { readOnly: true }).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'STORE_IO',
        message: expect.stringMatching(/no PostgreSQL user name specified in startup packet; put the user name in the URL \(postgres:\/\/user@host\/db\) or set PGUSER/),
        cause: expect.objectContaining({ code: '28000' }),
      });
    } finally {
      if (saved.env === undefined) delete process.env.PGUSER;
      else process.env.PGUSER = saved.env;
      pg.defaults.user = saved.defaults;
    }
  });
});
