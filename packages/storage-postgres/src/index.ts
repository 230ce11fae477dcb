export { openPostgresStore, POSTGRES_SCHEMA_VERSION, type PostgresStore, type PostgresStoreOptions } from './postgres-store.js';
export { openStore, parsePostgresUrl } from './open-store.js';
