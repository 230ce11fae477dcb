import pg from 'pg';
import { createMissingStore, isLearningError, LearningError, rejectUnknownKeys, validateQuery } from '@autodev/learning';
import type { JsonValue, Metadata, MetricQuery, MetricRecord, MetricStore } from '@autodev/learning';
import { encodeRows, type EncodedRows } from './internal/check-record.js';
import { decodeJson, decodeText, encodeJson, encodeText, MARKER } from './internal/text-codec.js';

/** Schema version this package writes. A table stamped with a higher one is refused (`STORE_VERSION`). */
export const POSTGRES_SCHEMA_VERSION = 1;

/** Options of {@link openPostgresStore}. Give either `connectionString` or `pool`. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database`; the store creates (and on `close()` ends) its own pool. */
  connectionString?: string;
  /** A `pg.Pool` you own: the store borrows connections and leaves the pool open on `close()`. */
  pool?: pg.Pool;
  /**
   * Schema holding the table; created when missing (not with `readOnly`).
   * @default 'public'
   */
  schema?: string;
  /**
   * Table holding the records. A second table `<table>_schema` records the schema version.
   * @default 'autodev_metrics'
   */
  table?: string;
  /**
   * Connections in the pool the store creates (ignored with `pool`).
   * @default 4
   */
  maxConnections?: number;
  /**
   * Records per INSERT statement; a larger `append` is split into several statements inside one transaction.
   * @default 10000
   */
  batchSize?: number;
  /**
   * Open for reading only, creating and changing nothing: no schema, no tables, no migration, no lock.
   * `append` rejects with `STORE_IO` ("opened read-only"). When the schema or table does not exist, the store
   * answers empty and has `exists: false`.
   * @default false
   */
  readOnly?: boolean;
}

/** A `MetricStore` backed by one PostgreSQL table. */
export interface PostgresStore extends MetricStore {
  /** The quoted, schema-qualified table name, e.g. `"public"."autodev_metrics"`. */
  readonly table: string;
  /**
   * `false` only for a store opened with `readOnly` whose table does not exist (or whose schema does not):
   * it answers empty and nothing was created. `true` otherwise.
   */
  readonly exists: boolean;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;
const quote = (id: string) => `"${id}"`;
// First key of the two-int advisory lock: 'auto' in ASCII, so autodev's locks are recognisable in pg_locks.
const LOCK_NAMESPACE = 0x6175746f;

interface PgErrorLike {
  code?: unknown;
  message?: unknown;
}

const errorCode = (e: unknown): string =>
  typeof e === 'object' && e !== null && typeof (e as PgErrorLike).code === 'string' ? ((e as PgErrorLike).code as string) : '';

/** Wraps a driver error into the one error class, with a message that says what to check. */
function wrap(e: unknown, where: string, doing: string): LearningError {
  if (isLearningError(e)) return e;
  const code = errorCode(e);
  const detail = e instanceof Error ? e.message : String(e);
  let hint = 'see `cause` for the driver error';
  if (code === '28000' && detail.includes('no PostgreSQL user name specified'))
    // pg sends no user when the URL has none and neither PGUSER nor USER is set (a container, a CI job).
    hint = 'put the user name in the URL (postgres://user@host/db) or set PGUSER';
  else if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH')
    hint = 'check the host and port in the connection string and that PostgreSQL is running';
  else if (code === '28P01' || code === '28000') hint = 'check the user name and password';
  else if (code === '3D000') hint = 'create the database or fix its name in the connection string';
  else if (code === '42501') hint = 'grant this user CREATE on the schema (first open) or SELECT/INSERT on the tables';
  else if (code === '42P01') hint = 'the table was dropped while the store was open; open the store again (not read-only) to recreate it';
  else if (code.startsWith('53')) hint = 'the server is out of resources (disk, memory or connections)';
  return new LearningError('STORE_IO', `PostgreSQL failed while ${doing} on ${where}: ${detail}; ${hint}`, { cause: e });
}

// No `seq` column (it still orders the rows, in ORDER BY): it only served to name a corrupt row in an error
// message, yet as one more bigint field per row (sent as text, sliced into a string and checked by the
// driver's int8 parser) it was the one avoidable cost of a read found by profiling — about 6 % of a
// 10,000-row query({ name }), see the README. A bad row is named by its name and timestamp instead, which
// is enough to find it with a WHERE clause.
type Row = [name: unknown, value: unknown, timestampMs: unknown, metadata: unknown];

/** Identifies a row for an error message by the raw column values a user can put in a WHERE clause. */
const rowLabel = (table: string, row: Row) => `${table} row with name = ${JSON.stringify(row[0])} and timestamp_ms = ${String(row[2])}`;

// No validation beyond these type checks and no freezing: the columns are NOT NULL with the types the
// migration checked, backends are only handed validated records to write (the MetricStore contract), and
// every query builds fresh objects, so a caller mutating one cannot change the store or another result.
function decodeRow(row: Row, table: string): MetricRecord {
  // Indexed reads, not destructuring: this runs once per returned row.
  const name = row[0];
  const value = row[1];
  const timestamp = row[2];
  const metadataText = row[3];
  if (typeof name !== 'string' || typeof value !== 'number' || typeof timestamp !== 'number' || typeof metadataText !== 'string')
    throw new LearningError('STORE_CORRUPT', `${rowLabel(table, row)}: a column holds a value of the wrong type; fix or delete that row`);
  let metadata: Metadata;
  let decodedName: string;
  try {
    const parsed = JSON.parse(metadataText) as JsonValue;
    metadata = (metadataText.includes(MARKER) ? decodeJson(parsed) : parsed) as Metadata;
    decodedName = decodeText(name);
  } catch (e) {
    throw new LearningError('STORE_CORRUPT', `${rowLabel(table, row)}: an encoded name or metadata string is not valid; fix or delete that row`, { cause: e });
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw new LearningError('STORE_CORRUPT', `${rowLabel(table, row)}: metadata is not a JSON object; fix or delete that row`);
  return { name: decodedName, value, timestamp, metadata };
}

// float8 comes back as text; the driver's parseFloat is exact only when the server prints the
// shortest round-trip form, which PostgreSQL 12+ does for extra_float_digits >= 1 (the default, but a
// server or role may lower it). Set it on each connection the first time the store uses it.
const configured = new WeakSet<pg.PoolClient>();

async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  if (!configured.has(client)) {
    try {
      await client.query('SET extra_float_digits = 3');
    } catch (e) {
      client.release(e instanceof Error ? e : true);
      throw e;
    }
    configured.add(client);
  }
  return client;
}

/** The options openPostgresStore knows; anything else is refused (a misspelling must not be ignored). */
const OPTIONS = ['connectionString', 'pool', 'schema', 'table', 'maxConnections', 'batchSize', 'readOnly'] as const satisfies readonly (keyof PostgresStoreOptions)[];
/** Names other libraries use for the same options. */
const ALIASES: Readonly<Record<string, string>> = { max: 'maxConnections', url: 'connectionString', connection: 'connectionString', databaseUrl: 'connectionString' };

/**
 * Opens a PostgreSQL-backed `MetricStore`, creating the schema and tables on first use: the shared store
 * for a team, where many CI runners on many machines append into one database at once.
 *
 * Opening runs the migration under a transaction-scoped advisory lock, so runners that open a fresh
 * database at the same moment do not race; later opens only read the schema version. With `readOnly: true`
 * nothing is created or changed: a missing schema or table gives an empty store with `exists: false`
 * (holding no connection), and `append` rejects with `STORE_IO`.
 *
 * @throws {LearningError} INVALID_ARGUMENT when neither or both of `connectionString` and `pool` are given, or a name or number is invalid.
 * @throws {LearningError} STORE_IO when the server cannot be reached, rejects the login, or the user may not create the tables.
 * @throws {LearningError} STORE_CORRUPT when a table of that name exists but was not created by this package.
 * @throws {LearningError} STORE_VERSION when the tables were written by a newer version of this package.
 * @example
 * const store = await openPostgresStore({ connectionString: process.env.DATABASE_URL });
 * await store.append([{ name: 'build_time', value: 212.4, timestamp: Date.now(), metadata: { runner: 'ci-3' } }]);
 * const builds = await store.query({ name: 'build_time', where: { runner: 'ci-3' } });
 * await store.close();
 * @see https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS
 */
export async function openPostgresStore(options: PostgresStoreOptions): Promise<PostgresStore> {
  if (typeof options !== 'object' || options === null)
    throw new LearningError('INVALID_ARGUMENT', 'openPostgresStore needs an options object such as { connectionString: "postgres://localhost/metrics" }');

  // A misspelt option was ignored: { readonly: true } created and wrote the store, { max: 2 } kept 4 connections.
  rejectUnknownKeys('openPostgresStore', options, OPTIONS, { allowUndefined: true, aliases: ALIASES });
  const { schema = 'public', table = 'autodev_metrics', maxConnections = 4, batchSize = 10_000 } = options;
  if ((options.connectionString === undefined) === (options.pool === undefined))
    throw new LearningError('INVALID_ARGUMENT', 'give exactly one of connectionString (the store creates its pool) and pool (you own it)');
  if (options.connectionString !== undefined && (typeof options.connectionString !== 'string' || options.connectionString.trim() === ''))
    throw new LearningError('INVALID_ARGUMENT', 'connectionString must be a non-empty string such as "postgres://user@localhost:5432/metrics"');
  for (const [what, id] of [['schema', schema], ['table', table]] as const)
    if (typeof id !== 'string' || !IDENTIFIER.test(id))
      throw new LearningError('INVALID_ARGUMENT', `${what} must be 1-40 letters, digits or underscores, not starting with a digit; got ${JSON.stringify(id)}`);
  if (!Number.isInteger(maxConnections) || maxConnections < 1)
    throw new LearningError('INVALID_ARGUMENT', `maxConnections must be a whole number >= 1, got ${String(maxConnections)}`);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new LearningError('INVALID_ARGUMENT', `batchSize must be a whole number >= 1, got ${String(batchSize)}`);
  if (options.readOnly !== undefined && typeof options.readOnly !== 'boolean')
    throw new LearningError('INVALID_ARGUMENT', `readOnly must be true or false, got ${JSON.stringify(options.readOnly)}`);
  const readOnly = options.readOnly === true;

  const owned = options.pool === undefined;
  const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max: maxConnections });
  // An idle pooled connection that dies (server restart, network blip) emits 'error' on the pool; with no
  // listener that would crash the process. The pool drops the connection and the next query reconnects.
  if (owned) pool.on('error', () => {});
  const qualified = `${quote(schema)}.${quote(table)}`;
  let exists = true;
  try {
    if (readOnly) exists = await inspect(pool, schema, table);
    else await migrate(pool, schema, table);
  } catch (e) {
    if (owned) await pool.end().catch(() => {});
    throw wrap(e, qualified, readOnly ? 'opening the store read-only' : 'preparing the schema');
  }
  if (!exists) {
    if (owned) await pool.end().catch(() => {});
    return { ...createMissingStore(`the PostgreSQL store ${qualified}`), table: qualified };
  }
  return createPostgresStore(pool, owned, qualified, batchSize, readOnly);
}

/**
 * `readOnly`: whether the table exists, checking its version and columns as {@link migrate} does, with
 * reads only (to_regclass is NULL for a missing schema too, without an error).
 */
async function inspect(pool: pg.Pool, schema: string, table: string): Promise<boolean> {
  const qualified = `${quote(schema)}.${quote(table)}`;
  const client = await connect(pool);
  try {
    const found = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [qualified]);
    if (found.rows[0]?.t == null) return false;
    checkVersion(await readVersion(client, `${quote(schema)}.${quote(`${table}_schema`)}`), qualified);
    await checkColumns(client, schema, table, qualified);
    return true;
  } finally {
    client.release();
  }
}

const readOnlyError = (table: string) =>
  new LearningError('STORE_IO', `the PostgreSQL store ${table} was opened read-only; open it without readOnly to append records`);

/** Refuses tables written by a newer version; true when they are at this version. */
function checkVersion(version: number | undefined, qualified: string): boolean {
  if (version !== undefined && version > POSTGRES_SCHEMA_VERSION)
    throw new LearningError(
      'STORE_VERSION',
      `${qualified} has schema version ${version}, newer than the ${POSTGRES_SCHEMA_VERSION} this @autodev/storage-postgres understands; upgrade @autodev/storage-postgres`,
    );
  return version === POSTGRES_SCHEMA_VERSION;
}

async function checkColumns(client: pg.PoolClient, schema: string, table: string, qualified: string): Promise<void> {
  const cols = await client.query<{ column_name: string; data_type: string }>(
    'SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2',
    [schema, table],
  );
  const types = new Map(cols.rows.map((c) => [c.column_name, c.data_type]));
  const expected = { seq: 'bigint', name: 'text', value: 'double precision', timestamp_ms: 'double precision', metadata: 'jsonb' };
  for (const [c, type] of Object.entries(expected))
    if (types.get(c) !== type)
      throw new LearningError(
        'STORE_CORRUPT',
        `${qualified} exists but its column "${c}" is ${types.get(c) ?? 'missing'}, not ${type}; it was not created by @autodev/storage-postgres — choose another table or schema`,
      );
}

async function readVersion(client: pg.PoolClient, versionTable: string): Promise<number | undefined> {
  const exists = await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [versionTable]);
  if (exists.rows[0]?.t == null) return undefined;
  const r = await client.query<{ version: number }>(`SELECT version FROM ${versionTable}`);
  return r.rows[0]?.version;
}

async function migrate(pool: pg.Pool, schema: string, table: string): Promise<void> {
  const qualified = `${quote(schema)}.${quote(table)}`;
  const versionTable = `${quote(schema)}.${quote(`${table}_schema`)}`;
  const client = await connect(pool);
  let broken: Error | undefined;
  try {
    const check = (version: number | undefined) => checkVersion(version, qualified);
    // Fast path without DDL or locks: a runner whose user may only read and insert can open a ready table.
    if (check(await readVersion(client, versionTable))) return;
    await client.query('BEGIN');
    try {
      // Serialises concurrent first opens: CREATE ... IF NOT EXISTS alone can still fail with a unique
      // violation in the catalogs when two sessions create the same table at once.
      await client.query('SELECT pg_advisory_xact_lock($1::int, hashtext($2))', [LOCK_NAMESPACE, schema]);
      if (!check(await readVersion(client, versionTable))) {
        await client.query(`CREATE SCHEMA IF NOT EXISTS ${quote(schema)}`);
        // seq orders ties; name uses the "C" collation so the index and the loose scan in names() do not
        // depend on the database locale (names are sorted by UTF-16 code unit in JS anyway).
        await client.query(`CREATE TABLE IF NOT EXISTS ${qualified} (
          seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          name text COLLATE "C" NOT NULL,
          value double precision NOT NULL,
          timestamp_ms double precision NOT NULL,
          metadata jsonb NOT NULL
        )`);
        await checkColumns(client, schema, table, qualified);
        await client.query(`CREATE INDEX IF NOT EXISTS ${quote(`${table}_name_time`)} ON ${qualified} (name, timestamp_ms, seq)`);
        await client.query(`CREATE INDEX IF NOT EXISTS ${quote(`${table}_time`)} ON ${qualified} (timestamp_ms, seq)`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${versionTable} (singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton), version integer NOT NULL)`,
        );
        await client.query(`INSERT INTO ${versionTable} (version) VALUES ($1) ON CONFLICT (singleton) DO UPDATE SET version = EXCLUDED.version`, [
          POSTGRES_SCHEMA_VERSION,
        ]);
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch((re: unknown) => {
        broken = re instanceof Error ? re : new Error(String(re));
      });
      throw e;
    }
  } finally {
    client.release(broken);
  }
}

function createPostgresStore(pool: pg.Pool, owned: boolean, table: string, batchSize: number, readOnly: boolean): PostgresStore {
  let closed = false;
  let closing: Promise<void> | undefined;
  // Appends of one store run one after another, so records of two un-awaited appends keep call order (as
  // the memory store does); a query waits for the appends called before it, so it sees their records.
  let appendTail: Promise<unknown> = Promise.resolve();
  const inFlight = new Set<Promise<unknown>>();
  const ensureOpen = () => {
    if (closed) throw new LearningError('STORE_CLOSED', `the PostgreSQL store ${table} is closed; open it again with openPostgresStore()`);
  };
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight.add(p);
    void p.then(
      () => inFlight.delete(p),
      () => inFlight.delete(p),
    );
    return p;
  };
  const insertSql = `INSERT INTO ${table} (name, value, timestamp_ms, metadata)
    SELECT n, v, t, m FROM unnest($1::text[], $2::float8[], $3::float8[], $4::jsonb[]) WITH ORDINALITY AS r(n, v, t, m, i) ORDER BY i`;

  const appendNow = async (rows: EncodedRows): Promise<void> => {
    const client = await connect(pool);
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      try {
        // Durable on resolve whatever the server's default: COMMIT waits for the WAL flush.
        await client.query('SET LOCAL synchronous_commit = on');
        for (let start = 0; start < rows.names.length; start += batchSize) {
          const end = start + batchSize;
          await client.query(insertSql, [
            rows.names.slice(start, end),
            rows.values.slice(start, end),
            rows.timestamps.slice(start, end),
            rows.metadata.slice(start, end),
          ]);
        }
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK').catch((re: unknown) => {
          broken = re instanceof Error ? re : new Error(String(re));
        });
        throw e;
      }
    } finally {
      client.release(broken);
    }
  };

  const queryNow = async (q: MetricQuery): Promise<MetricRecord[]> => {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (q.name !== undefined) conditions.push(`name = ${param(encodeText(q.name))}`);
    if (q.from !== undefined) conditions.push(`timestamp_ms >= ${param(q.from)}::float8`);
    if (q.to !== undefined) conditions.push(`timestamp_ms < ${param(q.to)}::float8`);
    // jsonb `=` is deep equality (object key order ignored, array order kept, true <> 1); `@>` would be
    // containment, which matches { a: 1, b: 2 } against { a: 1 } and is not what `where` means.
    // validateQuery has refused every value JSON.stringify would change (NaN, undefined, a Date…), so each value
    // reaches SQL as it will be compared.
    for (const [k, v] of Object.entries(q.where ?? {})) conditions.push(`metadata -> ${param(encodeText(k))}::text = ${param(JSON.stringify(encodeJson(v)))}::jsonb`);
    const dir = q.order === 'desc' ? 'DESC' : 'ASC';
    let sql = `SELECT name, value, timestamp_ms, metadata::text FROM ${table}`;
    if (conditions.length > 0) sql += ` WHERE ${conditions.join(' AND ')}`;
    sql += ` ORDER BY timestamp_ms ${dir}, seq ${dir}`;
    // validateQuery accepts any whole number (1e300, Number.MAX_VALUE as "no limit"), but the driver sends such
    // a number as "1e+300", which is no bigint. No table holds more rows than this, so the clamp changes no answer.
    if (q.limit !== undefined) sql += ` LIMIT ${param(Math.min(q.limit, Number.MAX_SAFE_INTEGER))}`;
    const client = await connect(pool);
    let result: pg.QueryResult<Row>;
    try {
      result = await client.query<Row>({ text: sql, values: params, rowMode: 'array' });
    } catch (e) {
      client.release(e instanceof Error ? e : true); // a failed connection must not go back to the pool
      throw e;
    }
    client.release();
    return result.rows.map((row) => decodeRow(row, table));
  };

  const namesNow = async (): Promise<string[]> => {
    // A loose index scan (one index probe per distinct name) instead of reading every row for DISTINCT.
    const sql = `WITH RECURSIVE names AS (
        (SELECT name FROM ${table} ORDER BY name LIMIT 1)
        UNION ALL
        SELECT (SELECT t.name FROM ${table} t WHERE t.name > names.name ORDER BY t.name LIMIT 1) FROM names WHERE names.name IS NOT NULL
      ) SELECT name FROM names WHERE name IS NOT NULL`;
    const client = await connect(pool);
    let result: pg.QueryResult<{ name: string }>;
    try {
      result = await client.query<{ name: string }>(sql);
    } catch (e) {
      client.release(e instanceof Error ? e : true);
      throw e;
    }
    client.release();
    try {
      return result.rows.map((r) => decodeText(r.name)).sort();
    } catch (e) {
      throw new LearningError('STORE_CORRUPT', `${table}: an encoded metric name is not valid; fix or delete that row`, { cause: e });
    }
  };

  // Synchronous checks turned into rejections: callers always get a promise, never a throw.
  const rejected = (e: unknown) => Promise.reject(isLearningError(e) ? e : wrap(e, table, 'checking arguments'));

  return {
    table,
    exists: true,
    append(records) {
      let rows: EncodedRows;
      try {
        ensureOpen();
        if (readOnly) throw readOnlyError(table);
        if (!Array.isArray(records)) throw new LearningError('INVALID_ARGUMENT', 'append takes an array of records');
        // Now, not when the appends before this one are done: see encodeRows.
        rows = encodeRows(records);
      } catch (e) {
        return rejected(e);
      }
      if (records.length === 0) return track(appendTail.then(() => undefined));
      const run = appendTail.then(() => appendNow(rows)).catch((e: unknown) => Promise.reject(wrap(e, table, 'appending records')));
      appendTail = run.catch(() => {});
      return track(run);
    },
    query(query?: MetricQuery) {
      let q: MetricQuery;
      try {
        ensureOpen();
        q = validateQuery(query);
      } catch (e) {
        return rejected(e);
      }
      if (q.limit === 0) return Promise.resolve([]);
      return track(appendTail.then(() => queryNow(q)).catch((e: unknown) => Promise.reject(wrap(e, table, 'querying records'))));
    },
    names() {
      try {
        ensureOpen();
      } catch (e) {
        return rejected(e);
      }
      return track(appendTail.then(namesNow).catch((e: unknown) => Promise.reject(wrap(e, table, 'listing metric names'))));
    },
    close() {
      if (!closing) {
        closed = true;
        // Let calls made before close() finish, then end the pool only if this store created it.
        closing = Promise.allSettled([...inFlight]).then(async () => {
          if (owned) await pool.end();
        });
      }
      return closing.catch((e: unknown) => Promise.reject(wrap(e, table, 'closing the pool')));
    },
  };
}
