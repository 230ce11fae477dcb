export { openPostgresStore, POSTGRES_SCHEMA_VERSION, type PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { OPEN_STORE_OPTIONS, openStore, parsePostgresUrl } from './open-store.js';
