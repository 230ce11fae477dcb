import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MetricStore, OpenStoreOptions } from '@autodev/learning';
import { CliError } from './errors.js';

/** Where the history lives when neither `--store` nor `AUTODEV_STORE` says otherwise. */
export const DEFAULT_STORE = '.autodev/metrics.jsonl';

/** A store location after resolution: the embedded file store, or a plugin package for a scheme. */
export type StoreLocation =
  | { readonly kind: 'file'; readonly path: string; readonly display: string }
  | {
      readonly kind: 'plugin';
      readonly scheme: string;
      /** The official package, `@autodev/storage-<scheme>`. */
      readonly packageName: string;
      /** A third party's package for the scheme, `autodev-storage-<scheme>` (tried when the official one is not installed). */
      readonly communityPackageName: string;
      readonly url: string;
      readonly display: string;
    };

/**
 * The module a storage plugin must export. `autodev --store x:...` imports `@autodev/storage-x` (else a third
 * party's `autodev-storage-x`) and calls `openStore(url)`; the package maps the URL to its options and returns a `MetricStore`
 * (the interface from `@autodev/learning`, checked by its contract suite). A plugin that also exports
 * `OPEN_STORE_OPTIONS` containing `'readOnly'` is called `openStore(url, { readOnly })`; others are called
 * with the URL alone, as before (a second parameter of theirs may mean something else).
 * @example
 * // @autodev/storage-redis/src/index.ts
 * export const OPEN_STORE_OPTIONS = ['readOnly'];
 * export async function openStore(url: string, { readOnly = false } = {}): Promise<MetricStore & { exists?: boolean }> {
 *   return openRedisStore({ url, readOnly }); // readOnly: create nothing; { exists: false, ... } when there is no store
 * }
 */
export interface StorePlugin {
  openStore(url: string, options?: OpenStoreOptions): Promise<MetricStore>;
  /** The keys of {@link OpenStoreOptions} the plugin understands (its `OPEN_STORE_OPTIONS` export; empty when it has none). */
  readonly options: readonly string[];
}

// A drive letter (C:\ or C:/) is a Windows path, not a URL scheme.
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;
// `https:` is the same collector client as `http:` (@autodev/storage-http).
const ALIASES: Readonly<Record<string, string>> = { postgresql: 'postgres', sqlite3: 'sqlite', https: 'http' };

/**
 * Resolves `--store`, then `AUTODEV_STORE`, then {@link DEFAULT_STORE}: a plain path or `file:` URL is
 * the embedded file store (relative paths from `cwd`); any other scheme `x:` names the package
 * `@autodev/storage-x` (`postgresql:` is `postgres:`, `https:` is `http:`).
 * @throws {CliError} BAD_ARGUMENT when the value is empty or a `file:` URL is malformed.
 * @example
 * resolveStoreLocation('sqlite:ci.db') // { kind: 'plugin', packageName: '@autodev/storage-sqlite', ... }
 */
export function resolveStoreLocation(option: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): StoreLocation {
  const fromEnv = env.AUTODEV_STORE !== undefined && env.AUTODEV_STORE !== '' ? env.AUTODEV_STORE : undefined;
  const raw = option ?? fromEnv ?? DEFAULT_STORE;
  const source = option !== undefined ? '--store' : fromEnv !== undefined ? 'AUTODEV_STORE' : 'the default store';
  if (raw.trim() === '') throw new CliError('BAD_ARGUMENT', `${source} is empty; give a path such as .autodev/metrics.jsonl or a URL such as sqlite:ci.db`);
  const m = SCHEME.exec(raw);
  if (!m || (m[1]!.length === 1 && /^[a-zA-Z]:[\\/]/.test(raw))) {
    const path = isAbsolute(raw) ? raw : resolve(cwd, raw);
    return { kind: 'file', path, display: raw };
  }
  const scheme = m[1]!.toLowerCase();
  if (scheme === 'file') {
    let path: string;
    if (raw.startsWith('file://')) {
      try {
        path = fileURLToPath(raw);
      } catch (e) {
        throw new CliError('BAD_ARGUMENT', `${source} ${JSON.stringify(raw)} is not a valid file URL (${(e as Error).message}); use file:///absolute/path or file:relative/path`);
      }
    } else {
      const rest = decodeURIComponent(raw.slice('file:'.length));
      path = isAbsolute(rest) ? rest : resolve(cwd, rest);
    }
    return { kind: 'file', path, display: raw };
  }
  const name = ALIASES[scheme] ?? scheme;
  // The sqlite plugin parses only "sqlite:" URLs: `sqlite3:ci.db` was refused by it after the alias had chosen it.
  const url = scheme === 'sqlite3' ? `sqlite:${raw.slice(m[0].length)}` : raw;
  return { kind: 'plugin', scheme: name, packageName: `@autodev/storage-${name}`, communityPackageName: `autodev-storage-${name}`, url, display: redact(raw) };
}

/**
 * Hides secrets in a store URL before it is printed: the password of any URL
 * (`postgres://u:secret@h/db` → `postgres://u:***@h/db`), the whole user part of an `http(s)` URL (a bare
 * `https://<token>@host` is a token), and the value of query parameters named like a secret
 * (`?token=`, `?api_key=`, `?password=`, `?sig=`).
 * @example
 * redact('https://ci:s3cret@metrics.internal/?token=abc') // 'https://***@metrics.internal/?token=***'
 */
export function redact(url: string): string {
  const userPart = /^https?:\/\//i.test(url) ? url.replace(/^(https?:\/\/)[^/?#@]*@/i, '$1***@') : url.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:/@]*:)[^@/]*@/, '$1***@');
  return userPart.replace(/([?&][^=&#]*(?:token|key|secret|pass|auth|sig)[^=&#]*=)[^&#]*/gi, '$1***');
}

function isModuleNotFound(e: unknown, packageName: string): boolean {
  const err = e as { code?: string; message?: string };
  return (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') && (err.message ?? '').includes(packageName);
}

/**
 * Imports an optional package of the autodev family (a storage plugin, `@autodev/server`): first as the CLI
 * itself resolves it (installed next to `@autodev/cli`), then from the project in `cwd` (a global `autodev`
 * can use a package installed in the project). Resolves to `undefined` when neither has it; any other
 * failure to load it is thrown as it came.
 * @example
 * const server = (await importOptional('@autodev/server')) as typeof import('@autodev/server') | undefined;
 */
export async function importOptional(packageName: string, cwd = process.cwd()): Promise<unknown> {
  try {
    return await import(packageName);
  } catch (e) {
    if (!isModuleNotFound(e, packageName)) throw e;
  }
  try {
    const resolved = createRequire(join(cwd, 'package.json')).resolve(packageName);
    return await import(pathToFileURL(resolved).href);
  } catch (e) {
    if (!isModuleNotFound(e, packageName)) throw e;
    return undefined;
  }
}

/**
 * Imports a storage plugin with {@link importOptional}: the official `@autodev/storage-<scheme>`, else a third
 * party's `autodev-storage-<scheme>` (so a backend can be published without the `@autodev` npm scope, as
 * `eslint-plugin-<name>` works for ESLint). The official package wins when both are installed.
 * @throws {CliError} STORE_PLUGIN_MISSING naming the package and the install command.
 */
export async function loadStorePlugin(location: Extract<StoreLocation, { kind: 'plugin' }>, cwd = process.cwd()): Promise<StorePlugin> {
  let mod: unknown;
  let packageName = location.packageName;
  try {
    mod = await importOptional(packageName, cwd);
    if (mod === undefined) {
      packageName = location.communityPackageName;
      mod = await importOptional(packageName, cwd);
    }
  } catch (e) {
    throw storeError(location.display, e);
  }
  if (mod === undefined)
    throw new CliError(
      'STORE_PLUGIN_MISSING',
      `the store ${location.display} uses the "${location.scheme}:" scheme, which needs the package ${location.packageName} (or a third party's ${location.communityPackageName}), and neither is installed`,
      { hint: `install it next to @autodev/cli: npm install ${location.packageName} (or pnpm add / yarn add), or use a file store: --store .autodev/metrics.jsonl` },
    );
  type PluginModule = { openStore?: unknown; OPEN_STORE_OPTIONS?: unknown };
  const exports = mod as PluginModule & { default?: PluginModule };
  const fromDefault = exports.openStore === undefined;
  const openStore = fromDefault ? exports.default?.openStore : exports.openStore;
  if (typeof openStore !== 'function')
    throw new CliError('STORE_ERROR', `${packageName} does not export openStore(url); it is not an autodev storage plugin, or a version too old for this CLI`, {
      hint: 'a storage plugin must export `async function openStore(url: string): Promise<MetricStore>`',
    });
  const declared = fromDefault ? exports.default?.OPEN_STORE_OPTIONS : exports.OPEN_STORE_OPTIONS;
  const options = Array.isArray(declared) ? declared.filter((o): o is string => typeof o === 'string') : [];
  return { openStore: openStore as StorePlugin['openStore'], options };
}

/** Wraps a backend failure (not a typed learning error) into a CLI error naming the store. */
function storeError(display: string, e: unknown): CliError {
  return new CliError('STORE_ERROR', `could not open the store ${display}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
}

/**
 * Opens the store for a location: the embedded `@autodev/storage-file` for paths and `file:` URLs
 * (read-only when asked), the plugin's `openStore(url, { readOnly })` otherwise — `openStore(url)` for a plugin
 * that does not declare `readOnly` in `OPEN_STORE_OPTIONS`. A read-only plugin store that does not exist has
 * `exists: false` (see {@link storeMissing}).
 * @throws {CliError} STORE_PLUGIN_MISSING / STORE_ERROR; `LearningError`s of the backend pass through.
 */
export async function openStoreAt(
  location: StoreLocation,
  { readOnly = false, onWarning, cwd = process.cwd() }: { readOnly?: boolean; onWarning?: (message: string) => void; cwd?: string } = {},
): Promise<MetricStore> {
  if (location.kind === 'file') {
    const { openFileStore } = await import('@autodev/storage-file');
    // Read-only commands never create, write or lock the file; recoveries (a torn last line) are reported, not thrown.
    return openFileStore({ path: location.path, readOnly, ...(onWarning ? { onWarning: (w) => onWarning(w.message) } : {}) });
  }
  const plugin = await loadStorePlugin(location, cwd);
  return plugin.options.includes('readOnly') ? plugin.openStore(location.url, { readOnly }) : plugin.openStore(location.url);
}

/** Whether a store opened read-only said there is no store at its URL yet (`exists: false`; the property is optional). */
export function storeMissing(store: MetricStore): boolean {
  return (store as MetricStore & { exists?: unknown }).exists === false;
}
