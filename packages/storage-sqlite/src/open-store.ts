import { LearningError, type OpenStoreOptions } from '@autodev/learning';
import { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';

/**
 * Turns a `sqlite:` storage URL into {@link SqliteStoreOptions}.
 *
 * Accepted forms: `sqlite:relative/metrics.db`, `sqlite:/absolute/metrics.db`, `sqlite:///absolute/metrics.db`
 * (the `//` of an empty authority is dropped), `sqlite::memory:`; options go in the query string:
 * `sqlite:metrics.db?synchronous=normal&busyTimeoutMs=10000`. The path is taken literally (no
 * percent-decoding), so Windows and space-containing paths need no escaping.
 * @throws {LearningError} INVALID_ARGUMENT when the URL does not start with `sqlite:`, has no path, or an option is unknown.
 * @example
 * parseSqliteUrl('sqlite:.autodev/metrics.db?synchronous=normal'); // { path: '.autodev/metrics.db', synchronous: 'normal' }
 */
export function parseSqliteUrl(url: string): SqliteStoreOptions {
  if (typeof url !== 'string' || !url.toLowerCase().startsWith('sqlite:'))
    throw new LearningError('INVALID_ARGUMENT', `a SQLite storage URL starts with "sqlite:", such as "sqlite:.autodev/metrics.db"; got ${JSON.stringify(url)}`);
  let rest = url.slice('sqlite:'.length);
  const q = rest.indexOf('?');
  const search = q === -1 ? '' : rest.slice(q + 1);
  if (q !== -1) rest = rest.slice(0, q);
  if (rest.startsWith('//')) rest = rest.slice(2);
  if (rest === '') throw new LearningError('INVALID_ARGUMENT', `the SQLite storage URL ${JSON.stringify(url)} names no file; use "sqlite:.autodev/metrics.db"`);
  const options: SqliteStoreOptions = { path: rest };
  for (const [key, value] of new URLSearchParams(search)) {
    if (key === 'synchronous') options.synchronous = value as 'full' | 'normal'; // checked by openSqliteStore
    else if (key === 'busyTimeoutMs') options.busyTimeoutMs = Number(value);
    else throw new LearningError('INVALID_ARGUMENT', `unknown option "${key}" in the SQLite storage URL ${JSON.stringify(url)}; known: synchronous, busyTimeoutMs`);
  }
  return options;
}

/**
 * The options of {@link openStore}'s second argument that this plugin understands. The `autodev` CLI passes
 * `{ readOnly }` only to plugins that export this list with `'readOnly'` in it, so plugins whose `openStore`
 * takes something else as its second argument keep working.
 */
export const OPEN_STORE_OPTIONS: readonly string[] = Object.freeze(['readOnly']);

/**
 * The storage plugin entry point: the `autodev` CLI maps a `sqlite:` URL to this package and calls
 * `openStore(url, { readOnly })`. Same as `openSqliteStore({ ...parseSqliteUrl(url), readOnly })`.
 * @throws {LearningError} INVALID_ARGUMENT for a malformed URL; otherwise as {@link openSqliteStore}.
 * @example
 * const store = await openStore('sqlite:.autodev/metrics.db');
 * const maybe = await openStore('sqlite:typo.db', { readOnly: true }); // creates nothing; maybe.exists === false
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<SqliteStore> {
  const parsed = parseSqliteUrl(url);
  return openSqliteStore(options?.readOnly === undefined ? parsed : { ...parsed, readOnly: options.readOnly });
}
