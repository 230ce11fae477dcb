import { LearningError, type OpenStoreOptions } from '@autodev/learning';
import { openPostgresStore, type PostgresStore, type PostgresStoreOptions } from './postgres-store.js';

const OWN_PARAMS = ['schema', 'table', 'maxConnections', 'batchSize'] as const;

/**
 * Turns a `postgres://` or `postgresql://` storage URL into {@link PostgresStoreOptions}.
 *
 * The store's own options ride in the query string and are removed before the URL reaches the driver:
 * `postgres://ci@db.internal/metrics?schema=autodev&table=metrics&maxConnections=2`. Everything else
 * (user, password, host, port, database, `sslmode`, `application_name`...) is the driver's, as documented
 * for `pg`'s connection strings.
 * @throws {LearningError} INVALID_ARGUMENT when the URL is not a postgres URL or cannot be parsed.
 * @example
 * parsePostgresUrl('postgres://localhost/metrics?schema=ci'); // { connectionString: 'postgres://localhost/metrics', schema: 'ci' }
 */
export function parsePostgresUrl(url: string): PostgresStoreOptions {
  if (typeof url !== 'string' || !/^postgres(ql)?:\/\//i.test(url))
    throw new LearningError('INVALID_ARGUMENT', `a PostgreSQL storage URL starts with "postgres://" or "postgresql://", such as "postgres://user@localhost:5432/metrics"; got ${JSON.stringify(redact(url))}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (e) {
    throw new LearningError('INVALID_ARGUMENT', `the PostgreSQL storage URL ${JSON.stringify(redact(url))} cannot be parsed; percent-encode special characters in the user name and password`, { cause: e });
  }
  const options: PostgresStoreOptions = {};
  for (const key of OWN_PARAMS) {
    const value = parsed.searchParams.get(key);
    if (value === null) continue;
    parsed.searchParams.delete(key);
    if (key === 'schema' || key === 'table') options[key] = value;
    else options[key] = Number(value); // range-checked by openPostgresStore
  }
  options.connectionString = parsed.toString();
  return options;
}

/** The URL without its password, for error messages. */
function redact(url: unknown): unknown {
  return typeof url === 'string' ? url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@') : url;
}

/**
 * The options of {@link openStore}'s second argument that this plugin understands. The `autodev` CLI passes
 * `{ readOnly }` only to plugins that export this list with `'readOnly'` in it, so plugins whose `openStore`
 * takes something else as its second argument keep working.
 */
export const OPEN_STORE_OPTIONS: readonly string[] = Object.freeze(['readOnly']);

/**
 * The storage plugin entry point: the `autodev` CLI maps `postgres://` and `postgresql://` URLs to this
 * package and calls `openStore(url, { readOnly })`. Same as `openPostgresStore({ ...parsePostgresUrl(url), readOnly })`.
 * @throws {LearningError} INVALID_ARGUMENT for a malformed URL; otherwise as {@link openPostgresStore}.
 * @example
 * const store = await openStore(process.env.DATABASE_URL ?? 'postgres://localhost/metrics');
 * const maybe = await openStore('postgres://ci@db/metrics?schema=typo', { readOnly: true }); // creates nothing; maybe.exists === false
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<PostgresStore> {
  const parsed = parsePostgresUrl(url);
  return openPostgresStore(options?.readOnly === undefined ? parsed : { ...parsed, readOnly: options.readOnly });
}
