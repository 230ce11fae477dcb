export { openSqliteStore, SQLITE_SCHEMA_VERSION, SQLITE_TABLE, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { OPEN_STORE_OPTIONS, openStore, parseSqliteUrl, type OpenStoreOptions } from './open-store.js';
