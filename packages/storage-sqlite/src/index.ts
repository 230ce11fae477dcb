export { openSqliteStore, SQLITE_SCHEMA_VERSION, SQLITE_TABLE, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { OPEN_STORE_OPTIONS, openStore, parseSqliteUrl } from './open-store.js';
