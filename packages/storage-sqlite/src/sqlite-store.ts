import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createMissingStore, isLearningError, LearningError, matchesQuery, rejectUnknownKeys, validateQuery } from '@autodev/learning';
import type { JsonValue, Metadata, MetricQuery, MetricRecord, MetricStore } from '@autodev/learning';
import { metadataTextOf } from './internal/check-record.js';
import { decodeText, encodeText, hasUnsafeChars } from './internal/text-codec.js';

/** Schema version this package writes. A database stamped with a higher one is refused (`STORE_VERSION`). */
export const SQLITE_SCHEMA_VERSION = 1;

/** Name of the table holding the records (`seq`, `name`, `value`, `timestamp_ms`, `metadata`). */
export const SQLITE_TABLE = 'autodev_metrics';
const META_TABLE = 'autodev_meta';

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file; parent folders are created (not with `readOnly`). `':memory:'` gives a private, non-persistent database. */
  path: string;
  /**
   * How long a write waits for another process holding the write lock before failing with `STORE_IO`.
   * better-sqlite3 is synchronous, so the waiting blocks this thread.
   * @default 5000
   */
  busyTimeoutMs?: number;
  /**
   * SQLite's `synchronous` setting in WAL mode. `'full'` syncs the write-ahead log on every commit, so an
   * acknowledged append survives a power loss or OS crash; `'normal'` survives a process crash only, and
   * may lose the last appends on power loss, in exchange for fewer fsyncs.
   * @default 'full'
   */
  synchronous?: 'full' | 'normal';
  /**
   * Open for reading only, creating and changing nothing: no file, no folders, no tables, no schema
   * migration, no switch to WAL mode. `append` rejects with `STORE_IO` ("opened read-only"). When the file
   * or its tables do not exist (or `path` is `':memory:'`), the store answers empty and has `exists: false`.
   * @default false
   */
  readOnly?: boolean;
}

/** A `MetricStore` backed by one SQLite database file. */
export interface SqliteStore extends MetricStore {
  /** Absolute path of the database file (or `':memory:'`). */
  readonly path: string;
  /**
   * `false` only for a store opened with `readOnly` where none exists yet (no file, or no records table):
   * it answers empty and nothing was created. `true` otherwise.
   */
  readonly exists: boolean;
}

interface SqliteErrorLike {
  code?: unknown;
  message?: unknown;
}

const errorCode = (e: unknown): string =>
  typeof e === 'object' && e !== null && typeof (e as SqliteErrorLike).code === 'string' ? ((e as SqliteErrorLike).code as string) : '';

const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX']);

/** Wraps a driver error into the one error class, choosing the code from SQLite's result code. */
function wrap(e: unknown, path: string, doing: string): LearningError {
  if (isLearningError(e)) return e;
  const code = errorCode(e);
  const detail = e instanceof Error ? e.message : String(e);
  if (CORRUPT_CODES.has(code))
    return new LearningError('STORE_CORRUPT', `${path} is not a readable SQLite database (${detail}) while ${doing}; restore it from a backup or point the store at another file`, { cause: e });
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new LearningError('STORE_IO', `${path} stayed locked by another connection while ${doing}; raise busyTimeoutMs or find the process holding a long transaction`, { cause: e });
  if (code.startsWith('SQLITE_READONLY'))
    return new LearningError('STORE_IO', `${path} is read-only while ${doing}; check the file and folder permissions (the -wal and -shm files beside it must be writable too)`, { cause: e });
  if (code.startsWith('SQLITE_CANTOPEN'))
    return new LearningError('STORE_IO', `cannot open ${path} while ${doing} (${detail}); check that the path is a file, not a folder, and that its folder is writable`, { cause: e });
  if (code === 'SQLITE_FULL') return new LearningError('STORE_IO', `the disk holding ${path} is full while ${doing}; free space and retry`, { cause: e });
  return new LearningError('STORE_IO', `SQLite failed while ${doing} on ${path}: ${detail}`, { cause: e });
}

// Rows come back as arrays (better-sqlite3's raw mode), which skips building a keyed object per row.
type Row = [seq: number, name: unknown, value: unknown, timestampMs: unknown, metadata: unknown];

function decodeRow(row: Row, path: string): MetricRecord {
  const [seq, name, value, timestamp, metadataText] = row;
  if (typeof name !== 'string' || typeof value !== 'number' || typeof timestamp !== 'number' || typeof metadataText !== 'string')
    throw new LearningError('STORE_CORRUPT', `${path}, table ${SQLITE_TABLE}, row seq=${seq}: a column holds a value of the wrong type; fix or delete that row`);
  let metadata: Metadata;
  let decodedName: string;
  try {
    metadata = JSON.parse(metadataText) as Metadata;
    decodedName = decodeText(name);
  } catch (e) {
    throw new LearningError('STORE_CORRUPT', `${path}, table ${SQLITE_TABLE}, row seq=${seq}: metadata or name is not valid JSON; fix or delete that row`, { cause: e });
  }
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw new LearningError('STORE_CORRUPT', `${path}, table ${SQLITE_TABLE}, row seq=${seq}: metadata is not a JSON object; fix or delete that row`);
  return { name: decodedName, value, timestamp, metadata };
}

// `where` in SQL. SQLite's JSON functions alone would get the semantics wrong (json_extract turns true into
// 1 and objects into text compared with their key order; a key with `"` or `.` needs path quoting that
// varies between SQLite versions), so each `where` entry becomes an EXISTS over json_each, which yields
// every key of an object verbatim with its JSON type:
//   EXISTS (SELECT 1 FROM json_each(metadata) AS w1 WHERE w1.key = ? AND <w1 equals the value>)
// Equality per JSON type: null/true/false by type alone (so true <> 1); a string by type 'text' and the
// unescaped text; a number by type integer/real and CAST(value AS REAL) = ? — the cast matters because
// JSON.stringify writes doubles above 2^53 as integer literals that SQLite reads as exact int64, which
// differs from the double they denote; SQLite's text-to-double conversion is correctly rounded, so the
// cast gives back the exact double (checked on 1.5 million random doubles with the SQLite 3.53 that
// better-sqlite3 12 bundles, and by test/where.test.ts on the extremes); an array by type,
// length and each index; an object by type, member count and each key (so key order is ignored and extra
// keys fail, as in jsonEqual). Keys and values are bound parameters, never spliced into the SQL.

// Strings with lone surrogates or NUL are compared in JS: today better-sqlite3 binds them as the same bytes
// SQLite's JSON unescaping yields, but that is a driver detail (on the way out it already turns lone
// surrogates into U+FFFD, which is why names are escaped), and such strings are rare in metadata.
/** Limits on one `where` in SQL; beyond them (rare: huge or deeply nested values) it is checked in JS. */
const WHERE_MAX_NODES = 64;
const WHERE_MAX_DEPTH = 8;

/**
 * Compiles `where` into one SQL condition on the `metadata` column, appending its parameters to `params`.
 * Returns undefined when some entry cannot be compared exactly in SQL (a non-JSON value such as
 * `undefined` or a Date, a NUL or lone surrogate, a value past the limits above); the caller then filters in JS.
 */
function whereSql(where: { readonly [key: string]: JsonValue }, params: unknown[]): string | undefined {
  const out: unknown[] = [];
  let nodes = 0;
  let alias = 0;
  // `source` is a JSON object or array expression; SQL for "it has `key` and that member equals `value`".
  const member = (source: string, key: string | number, value: unknown, depth: number): string | undefined => {
    if (++nodes > WHERE_MAX_NODES || depth > WHERE_MAX_DEPTH) return undefined;
    if (typeof key === 'string' && hasUnsafeChars(key)) return undefined;
    const a = `w${++alias}`;
    out.push(key);
    const equals = valueSql(a, value, depth);
    return equals === undefined ? undefined : `EXISTS (SELECT 1 FROM json_each(${source}) AS ${a} WHERE ${a}.key = ? AND ${equals})`;
  };
  // SQL for "the json_each row `a` holds a JSON value deeply equal to `value`".
  const valueSql = (a: string, value: unknown, depth: number): string | undefined => {
    if (value === null) return `${a}.type = 'null'`;
    if (value === true) return `${a}.type = 'true'`;
    if (value === false) return `${a}.type = 'false'`;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return undefined;
      out.push(value);
      return `${a}.type IN ('integer', 'real') AND CAST(${a}.value AS REAL) = ?`;
    }
    if (typeof value === 'string') {
      if (hasUnsafeChars(value)) return undefined;
      out.push(value);
      return `${a}.type = 'text' AND ${a}.value = ?`;
    }
    if (typeof value !== 'object') return undefined;
    const isArray = Array.isArray(value);
    if (!isArray && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) return undefined;
    const entries: [string | number, unknown][] = isArray ? (value as unknown[]).map((v, i) => [i, v]) : Object.entries(value);
    if (isArray && Object.keys(value).length !== entries.length) return undefined; // holes or extra properties
    out.push(entries.length);
    const parts = [isArray ? `${a}.type = 'array' AND json_array_length(${a}.value) = ?` : `${a}.type = 'object' AND (SELECT count(*) FROM json_each(${a}.value)) = ?`];
    for (const [k, v] of entries) {
      const m = member(`${a}.value`, k, v, depth + 1);
      if (m === undefined) return undefined;
      parts.push(m);
    }
    return parts.join(' AND ');
  };
  const parts: string[] = [];
  for (const [k, v] of Object.entries(where)) {
    const m = member('metadata', k, v, 0);
    if (m === undefined) return undefined;
    parts.push(m);
  }
  if (parts.length === 0) return undefined;
  params.push(...out);
  // No json_valid() guard per row (it cost a third of a filtered full scan): a row whose metadata is not
  // JSON makes json_each fail the statement, and the query then reruns with the JS filter, whose decoding
  // reports that row as STORE_CORRUPT (see isMalformedJson).
  return parts.join(' AND ');
}

/** SQLite's error for JSON it cannot parse: only a corrupt metadata column can cause it (we write JSON.stringify). */
const isMalformedJson = (e: unknown) => errorCode(e) === 'SQLITE_ERROR' && e instanceof Error && e.message.includes('malformed JSON');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The options openSqliteStore knows; anything else is refused (a misspelling must not be ignored). */
const OPTIONS = ['path', 'busyTimeoutMs', 'synchronous', 'readOnly'] as const satisfies readonly (keyof SqliteStoreOptions)[];
/** Names other libraries use for the same options. */
const ALIASES: Readonly<Record<string, string>> = { timeout: 'busyTimeoutMs', busyTimeout: 'busyTimeoutMs' };

/**
 * Opens (creating if needed) a SQLite-backed `MetricStore`: WAL mode, one transaction per `append`,
 * indexed by metric name and timestamp. Several processes may append to the same file at once.
 * With `readOnly: true` nothing is created or changed: a missing database gives an empty store with
 * `exists: false`, and `append` rejects with `STORE_IO`.
 *
 * @throws {LearningError} INVALID_ARGUMENT when `path` or an option is invalid.
 * @throws {LearningError} STORE_IO when the file cannot be opened or created (a folder, no permission).
 * @throws {LearningError} STORE_CORRUPT when the file is not a SQLite database.
 * @throws {LearningError} STORE_VERSION when the database was written by a newer version of this package.
 * @example
 * const store = await openSqliteStore({ path: '.autodev/metrics.db' });
 * await store.append([{ name: 'test_duration', value: 42.5, timestamp: Date.now(), metadata: { branch: 'main' } }]);
 * const latest = await store.query({ name: 'test_duration', order: 'desc', limit: 10 });
 * await store.close();
 * @see https://www.sqlite.org/wal.html
 */
export async function openSqliteStore(options: SqliteStoreOptions): Promise<SqliteStore> {
  if (typeof options !== 'object' || options === null) throw new LearningError('INVALID_ARGUMENT', 'openSqliteStore needs an options object such as { path: ".autodev/metrics.db" }');

  // A misspelt option was ignored: { readonly: true } (better-sqlite3's spelling) created and wrote the store.
  rejectUnknownKeys('openSqliteStore', options, OPTIONS, { allowUndefined: true, aliases: ALIASES });
  const { busyTimeoutMs = 5000, synchronous = 'full' } = options;
  if (typeof options.path !== 'string' || options.path.trim() === '')
    throw new LearningError('INVALID_ARGUMENT', `path must be a non-empty file path such as ".autodev/metrics.db", got ${JSON.stringify(options.path)}`);
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0)
    throw new LearningError('INVALID_ARGUMENT', `busyTimeoutMs must be a whole number of milliseconds >= 0, got ${String(busyTimeoutMs)}`);
  if (synchronous !== 'full' && synchronous !== 'normal')
    throw new LearningError('INVALID_ARGUMENT', `synchronous must be "full" or "normal", got ${JSON.stringify(synchronous)}`);
  if (options.readOnly !== undefined && typeof options.readOnly !== 'boolean')
    throw new LearningError('INVALID_ARGUMENT', `readOnly must be true or false, got ${JSON.stringify(options.readOnly)}`);

  const memory = options.path === ':memory:';
  const path = memory ? options.path : resolve(options.path);
  if (options.readOnly === true) return memory ? missingStore(path) : openReadOnly(path, busyTimeoutMs);
  let db: Database.Database;
  try {
    if (!memory) mkdirSync(dirname(path), { recursive: true });
    db = new Database(path, { timeout: busyTimeoutMs });
  } catch (e) {
    throw wrap(e, path, 'opening the database');
  }
  try {
    await migrate(db, path, synchronous, busyTimeoutMs);
  } catch (e) {
    db.close();
    throw wrap(e, path, 'preparing the schema');
  }
  return createSqliteStore(db, path, false);
}

/** `readOnly`: reads an existing database as it is; a missing one gives {@link emptyStore}. */
function openReadOnly(path: string, busyTimeoutMs: number): SqliteStore {
  if (!existsSync(path)) return missingStore(path);
  let db: Database.Database;
  try {
    // Not better-sqlite3's `readonly`: a read-only connection to a WAL database creates the -wal and -shm files
    // beside it and cannot remove them when it closes. A read-write connection with query_only removes them
    // (SQLite checkpoints on the last close), and query_only makes SQLite refuse any write on it.
    db = new Database(path, { timeout: busyTimeoutMs, fileMustExist: true });
  } catch (e) {
    if (!existsSync(path)) return missingStore(path); // removed in between
    throw wrap(e, path, 'opening the database read-only');
  }
  try {
    db.pragma('query_only = ON');
    const tables = new Set(db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (?, ?)`).pluck().all(SQLITE_TABLE, META_TABLE) as string[]);
    if (!tables.has(SQLITE_TABLE)) {
      db.close();
      return missingStore(path);
    }
    if (tables.has(META_TABLE)) {
      const version = db.prepare(`SELECT value FROM ${META_TABLE} WHERE key = 'schema_version'`).pluck().get() as string | undefined;
      checkVersion(version, path);
    }
    checkColumns(db, path);
  } catch (e) {
    db.close();
    throw wrap(e, path, 'opening the database read-only');
  }
  return createSqliteStore(db, path, true);
}

/** The store of a `readOnly` open where no database exists: see createMissingStore. */
const missingStore = (path: string): SqliteStore => ({ ...createMissingStore(`the SQLite store ${path}`), path });

const readOnlyError = (path: string) =>
  new LearningError('STORE_IO', `the SQLite store ${path} was opened read-only; open it without readOnly to append records`);

function checkVersion(value: string | undefined, path: string): void {
  const version = value === undefined ? undefined : Number(value);
  if (version !== undefined && !(version <= SQLITE_SCHEMA_VERSION))
    throw new LearningError(
      'STORE_VERSION',
      `${path} has schema version ${value}, newer than the ${SQLITE_SCHEMA_VERSION} this @autodev/storage-sqlite understands; upgrade @autodev/storage-sqlite`,
    );
}

function checkColumns(db: Database.Database, path: string): void {
  const columns = (db.pragma(`table_info(${SQLITE_TABLE})`) as { name: string }[]).map((c) => c.name);
  for (const c of ['seq', 'name', 'value', 'timestamp_ms', 'metadata'])
    if (!columns.includes(c))
      throw new LearningError('STORE_CORRUPT', `${path}: table ${SQLITE_TABLE} exists but has no column "${c}"; it was not created by @autodev/storage-sqlite — use another file`);
}

async function migrate(db: Database.Database, path: string, synchronous: 'full' | 'normal', busyTimeoutMs: number): Promise<void> {
  // Switching a new file to WAL needs a moment of exclusive access; when several processes create the
  // same file at once, SQLite may answer BUSY without consulting the busy handler, so retry here.
  const deadline = Date.now() + Math.max(busyTimeoutMs, 1000);
  for (let attempt = 0; ; attempt++) {
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
      db.transaction(() => {
        db.exec(`CREATE TABLE IF NOT EXISTS ${META_TABLE} (key TEXT PRIMARY KEY, value TEXT NOT NULL)`);
        const row = db.prepare(`SELECT value FROM ${META_TABLE} WHERE key = 'schema_version'`).get() as { value: string } | undefined;
        checkVersion(row?.value, path);
        // Clustered by (name, timestamp_ms, seq): the records of one metric sit together in time order, so
        // a query for one metric is one range scan (several times faster than rowid + index lookups, see
        // the README). seq breaks timestamp ties; it comes from the counter in autodev_meta, bumped inside
        // the same write transaction, so it follows commit order across processes and is never reused.
        db.exec(`CREATE TABLE IF NOT EXISTS ${SQLITE_TABLE} (
          name TEXT NOT NULL,
          timestamp_ms REAL NOT NULL,
          seq INTEGER NOT NULL,
          value REAL NOT NULL,
          metadata TEXT NOT NULL,
          PRIMARY KEY (name, timestamp_ms, seq)
        ) WITHOUT ROWID`);
        db.exec(`CREATE INDEX IF NOT EXISTS ${SQLITE_TABLE}_time ON ${SQLITE_TABLE} (timestamp_ms, seq)`);
        db.exec(`INSERT OR IGNORE INTO ${META_TABLE} (key, value) VALUES ('next_seq', '1')`);
        if (row === undefined) db.prepare(`INSERT INTO ${META_TABLE} (key, value) VALUES ('schema_version', ?)`).run(String(SQLITE_SCHEMA_VERSION));
      }).immediate();
      checkColumns(db, path);
      return;
    } catch (e) {
      if (!errorCode(e).startsWith('SQLITE_BUSY') || Date.now() > deadline) throw e;
      await sleep(Math.min(5 + attempt * 5, 50));
    }
  }
}

function createSqliteStore(db: Database.Database, path: string, readOnly: boolean): SqliteStore {
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new LearningError('STORE_CLOSED', `the SQLite store ${path} is closed; open it again with openSqliteStore()`);
  };
  // Not prepared read-only: the database may lack the autodev_meta table they use, and they are never run.
  const appendAll = readOnly ? undefined : prepareAppend(db, path);
  const nextName = db.prepare(`SELECT name FROM ${SQLITE_TABLE} WHERE name > ? ORDER BY name LIMIT 1`).pluck();
  const firstName = db.prepare(`SELECT name FROM ${SQLITE_TABLE} ORDER BY name LIMIT 1`).pluck();

  // Prepared statements by SQL text. The text depends only on which filters a query uses and the shape of
  // its `where` (values are parameters), so few exist; the cap only guards against endless distinct shapes.
  const statements = new Map<string, Database.Statement>();
  const STATEMENT_CACHE_SIZE = 200;

  /**
   * The statement for `q`; `exact` is false when `where` is left to JS (then no SQL LIMIT either), because
   * SQL cannot compare it exactly or because `whereInSql` is false.
   */
  const selectFor = (q: MetricQuery, whereInSql: boolean): { stmt: Database.Statement; params: unknown[]; exact: boolean } => {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (q.name !== undefined) {
      conditions.push('name = ?');
      params.push(encodeText(q.name));
    }
    if (q.from !== undefined) {
      conditions.push('timestamp_ms >= ?');
      params.push(q.from);
    }
    if (q.to !== undefined) {
      conditions.push('timestamp_ms < ?');
      params.push(q.to);
    }
    let exact = true;
    if (q.where !== undefined && Object.keys(q.where).length > 0) {
      const where = whereInSql ? whereSql(q.where, params) : undefined;
      if (where === undefined) exact = false;
      else conditions.push(where);
    }
    const dir = q.order === 'desc' ? 'DESC' : 'ASC';
    let sql = `SELECT seq, name, value, timestamp_ms, metadata FROM ${SQLITE_TABLE}`;
    if (conditions.length > 0) sql += ` WHERE ${conditions.join(' AND ')}`;
    sql += ` ORDER BY timestamp_ms ${dir}, seq ${dir}`;
    if (exact && q.limit !== undefined) {
      sql += ' LIMIT ?';
      // validateQuery accepts any whole number, such as 1e300 or Number.MAX_VALUE for "no limit", but SQLite
      // binds a number beyond int64 as REAL and LIMIT then fails with "datatype mismatch". No table holds more
      // rows than this, so the clamp changes no answer.
      params.push(Math.min(q.limit, Number.MAX_SAFE_INTEGER));
    }
    let stmt = statements.get(sql);
    if (!stmt) {
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.clear();
      statements.set(sql, (stmt = db.prepare(sql).raw(true)));
    }
    return { stmt, params, exact };
  };

  return {
    path,
    exists: true,
    append(records) {
      try {
        ensureOpen();
        if (appendAll === undefined) throw readOnlyError(path);
        if (!Array.isArray(records)) throw new LearningError('INVALID_ARGUMENT', 'append takes an array of records');
        // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading read locks.
        if (records.length > 0) appendAll.immediate(records);
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(wrap(e, path, 'appending records'));
      }
    },
    query(query?: MetricQuery) {
      try {
        ensureOpen();
        const q = validateQuery(query);
        if (q.limit === 0) return Promise.resolve([]);
        const run = (whereInSql: boolean): MetricRecord[] => {
          const { stmt, params, exact } = selectFor(q, whereInSql);
          const out: MetricRecord[] = [];
          if (exact) {
            for (const row of stmt.all(...params) as Row[]) out.push(decodeRow(row, path));
            return out;
          }
          // `where` checked in JS (see whereSql): deep JSON equality, exactly as the memory store.
          const filter: MetricQuery = { where: q.where };
          for (const row of stmt.iterate(...params) as IterableIterator<Row>) {
            const r = decodeRow(row, path);
            if (!matchesQuery(r, filter)) continue;
            out.push(r);
            if (q.limit !== undefined && out.length >= q.limit) break;
          }
          return out;
        };
        let out: MetricRecord[];
        try {
          out = run(true);
        } catch (e) {
          // A corrupt metadata column: the JS path decodes the rows and names the bad one.
          if (!isMalformedJson(e)) throw e;
          out = run(false);
        }
        return Promise.resolve(out);
      } catch (e) {
        return Promise.reject(wrap(e, path, 'querying records'));
      }
    },
    names() {
      try {
        ensureOpen();
        // A loose index scan: one index seek per distinct name instead of reading every row.
        const names: string[] = [];
        for (let n = firstName.get() as string | undefined; n !== undefined; n = nextName.get(n) as string | undefined) {
          if (typeof n !== 'string') throw new LearningError('STORE_CORRUPT', `${path}, table ${SQLITE_TABLE}: a name is not text; fix or delete that row`);
          names.push(decodeText(n));
        }
        return Promise.resolve(names.sort());
      } catch (e) {
        return Promise.reject(wrap(e, path, 'listing metric names'));
      }
    },
    close() {
      if (!closed) {
        closed = true;
        try {
          db.close();
        } catch (e) {
          return Promise.reject(wrap(e, path, 'closing the database'));
        }
      }
      return Promise.resolve();
    },
  };
}

/** The all-or-nothing append transaction. */
function prepareAppend(db: Database.Database, path: string) {
  const insert = db.prepare(`INSERT INTO ${SQLITE_TABLE} (name, timestamp_ms, seq, value, metadata) VALUES (?, ?, ?, ?, ?)`);
  const readSeq = db.prepare(`SELECT value FROM ${META_TABLE} WHERE key = 'next_seq'`).pluck();
  const writeSeq = db.prepare(`UPDATE ${META_TABLE} SET value = ? WHERE key = 'next_seq'`);
  return db.transaction((records: readonly MetricRecord[]) => {
    let seq = Number(readSeq.get());
    if (!Number.isSafeInteger(seq) || seq < 1)
      throw new LearningError('STORE_CORRUPT', `${path}, table ${META_TABLE}: the next_seq counter is missing or invalid; restore the database from a backup`);
    // Checked inside the transaction: a bad record rolls back the ones inserted before it (all or nothing).
    for (const r of records) {
      const metadata = metadataTextOf(r);
      insert.run(encodeText(r.name), r.timestamp, seq++, r.value, metadata);
    }
    writeSeq.run(String(seq));
  });
}
