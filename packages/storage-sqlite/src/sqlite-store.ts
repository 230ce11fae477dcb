import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { LearningError, isLearningError, matchesQuery, validateQuery } from '@autodev/learning';
import type { Metadata, MetricQuery, MetricRecord, MetricStore } from '@autodev/learning';
import { decodeText, encodeText } from './internal/text-codec.js';

/** Schema version this package writes. A database stamped with a higher one is refused (`STORE_VERSION`). */
export const SQLITE_SCHEMA_VERSION = 1;

/** Name of the table holding the records (`seq`, `name`, `value`, `timestamp_ms`, `metadata`). */
export const SQLITE_TABLE = 'autodev_metrics';
const META_TABLE = 'autodev_meta';

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /** Database file; parent folders are created. `':memory:'` gives a private, non-persistent database. */
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
}

/** A `MetricStore` backed by one SQLite database file. */
export interface SqliteStore extends MetricStore {
  /** Absolute path of the database file (or `':memory:'`). */
  readonly path: string;
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

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Opens (creating if needed) a SQLite-backed `MetricStore`: WAL mode, one transaction per `append`,
 * indexed by metric name and timestamp. Several processes may append to the same file at once.
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
  const { busyTimeoutMs = 5000, synchronous = 'full' } = options;
  if (typeof options.path !== 'string' || options.path.trim() === '')
    throw new LearningError('INVALID_ARGUMENT', `path must be a non-empty file path such as ".autodev/metrics.db", got ${JSON.stringify(options.path)}`);
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0)
    throw new LearningError('INVALID_ARGUMENT', `busyTimeoutMs must be a whole number of milliseconds >= 0, got ${String(busyTimeoutMs)}`);
  if (synchronous !== 'full' && synchronous !== 'normal')
    throw new LearningError('INVALID_ARGUMENT', `synchronous must be "full" or "normal", got ${JSON.stringify(synchronous)}`);

  const memory = options.path === ':memory:';
  const path = memory ? options.path : resolve(options.path);
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
  return createSqliteStore(db, path);
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
        const version = row === undefined ? undefined : Number(row.value);
        if (version !== undefined && !(version <= SQLITE_SCHEMA_VERSION))
          throw new LearningError(
            'STORE_VERSION',
            `${path} has schema version ${row?.value}, newer than the ${SQLITE_SCHEMA_VERSION} this @autodev/storage-sqlite understands; upgrade @autodev/storage-sqlite`,
          );
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
      const columns = (db.pragma(`table_info(${SQLITE_TABLE})`) as { name: string }[]).map((c) => c.name);
      for (const c of ['seq', 'name', 'value', 'timestamp_ms', 'metadata'])
        if (!columns.includes(c))
          throw new LearningError('STORE_CORRUPT', `${path}: table ${SQLITE_TABLE} exists but has no column "${c}"; it was not created by @autodev/storage-sqlite — use another file`);
      return;
    } catch (e) {
      if (!errorCode(e).startsWith('SQLITE_BUSY') || Date.now() > deadline) throw e;
      await sleep(Math.min(5 + attempt * 5, 50));
    }
  }
}

function createSqliteStore(db: Database.Database, path: string): SqliteStore {
  let closed = false;
  const ensureOpen = () => {
    if (closed) throw new LearningError('STORE_CLOSED', `the SQLite store ${path} is closed; open it again with openSqliteStore()`);
  };
  const insert = db.prepare(`INSERT INTO ${SQLITE_TABLE} (name, timestamp_ms, seq, value, metadata) VALUES (?, ?, ?, ?, ?)`);
  const readSeq = db.prepare(`SELECT value FROM ${META_TABLE} WHERE key = 'next_seq'`).pluck();
  const writeSeq = db.prepare(`UPDATE ${META_TABLE} SET value = ? WHERE key = 'next_seq'`);
  const appendAll = db.transaction((records: readonly MetricRecord[]) => {
    let seq = Number(readSeq.get());
    if (!Number.isSafeInteger(seq) || seq < 1)
      throw new LearningError('STORE_CORRUPT', `${path}, table ${META_TABLE}: the next_seq counter is missing or invalid; restore the database from a backup`);
    for (const r of records) insert.run(encodeText(r.name), r.timestamp, seq++, r.value, JSON.stringify(r.metadata));
    writeSeq.run(String(seq));
  });
  const nextName = db.prepare(`SELECT name FROM ${SQLITE_TABLE} WHERE name > ? ORDER BY name LIMIT 1`).pluck();
  const firstName = db.prepare(`SELECT name FROM ${SQLITE_TABLE} ORDER BY name LIMIT 1`).pluck();
  const statements = new Map<string, Database.Statement>();

  const selectFor = (q: MetricQuery, sqlLimit: boolean): { stmt: Database.Statement; params: unknown[] } => {
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
    const dir = q.order === 'desc' ? 'DESC' : 'ASC';
    let sql = `SELECT seq, name, value, timestamp_ms, metadata FROM ${SQLITE_TABLE}`;
    if (conditions.length > 0) sql += ` WHERE ${conditions.join(' AND ')}`;
    sql += ` ORDER BY timestamp_ms ${dir}, seq ${dir}`;
    if (sqlLimit && q.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(q.limit);
    }
    let stmt = statements.get(sql);
    if (!stmt) statements.set(sql, (stmt = db.prepare(sql).raw(true)));
    return { stmt, params };
  };

  return {
    path,
    append(records) {
      try {
        ensureOpen();
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
        const hasWhere = q.where !== undefined && Object.keys(q.where).length > 0;
        // Metadata equality is checked in JS (deep JSON equality, exactly as the memory store does);
        // SQLite's JSON functions conflate true and 1 and compare objects by text.
        const { stmt, params } = selectFor(q, !hasWhere);
        const out: MetricRecord[] = [];
        if (!hasWhere) {
          for (const row of stmt.all(...params) as Row[]) out.push(decodeRow(row, path));
        } else {
          const filter: MetricQuery = { where: q.where };
          for (const row of stmt.iterate(...params) as IterableIterator<Row>) {
            const r = decodeRow(row, path);
            if (!matchesQuery(r, filter)) continue;
            out.push(r);
            if (q.limit !== undefined && out.length >= q.limit) break;
          }
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
