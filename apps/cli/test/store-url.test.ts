import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_STORE, importOptional, loadStorePlugin, openStoreAt, redact, resolveStoreLocation, storeMissing } from '../src/store-url.js';
import { useTempDir } from './helpers.js';

describe('resolveStoreLocation', () => {
  const cwd = '/work/repo';
  it('defaults to .autodev/metrics.jsonl in the working directory, then AUTODEV_STORE, then --store', () => {
    expect(resolveStoreLocation(undefined, {}, cwd)).toEqual({ kind: 'file', path: '/work/repo/.autodev/metrics.jsonl', display: DEFAULT_STORE });
    expect(resolveStoreLocation(undefined, { AUTODEV_STORE: 'ci.jsonl' }, cwd)).toMatchObject({ kind: 'file', path: '/work/repo/ci.jsonl' });
    expect(resolveStoreLocation('x.jsonl', { AUTODEV_STORE: 'ci.jsonl' }, cwd)).toMatchObject({ path: '/work/repo/x.jsonl' });
    expect(resolveStoreLocation(undefined, { AUTODEV_STORE: '' }, cwd)).toMatchObject({ display: DEFAULT_STORE });
  });

  it('reads file: URLs, relative and absolute, and treats a drive letter as a path', () => {
    expect(resolveStoreLocation('file:data/m.jsonl', {}, cwd)).toMatchObject({ kind: 'file', path: '/work/repo/data/m.jsonl' });
    expect(resolveStoreLocation('file:///var/m%20x.jsonl', {}, cwd)).toMatchObject({ kind: 'file', path: '/var/m x.jsonl' });
    expect(resolveStoreLocation('C:\\metrics.jsonl', {}, cwd)).toMatchObject({ kind: 'file' });
    expect(() => resolveStoreLocation('  ', {}, cwd)).toThrow(/--store is empty/);
  });

  it('maps other schemes to @autodev/storage-<scheme>, with postgresql: as postgres:', () => {
    expect(resolveStoreLocation('sqlite:ci.db', {}, cwd)).toMatchObject({ kind: 'plugin', packageName: '@autodev/storage-sqlite', url: 'sqlite:ci.db' });
    expect(resolveStoreLocation('postgresql://u:pw@h/db', {}, cwd)).toMatchObject({ kind: 'plugin', packageName: '@autodev/storage-postgres', display: 'postgresql://u:***@h/db' });
    expect(resolveStoreLocation('Redis://localhost', {}, cwd)).toMatchObject({ packageName: '@autodev/storage-redis' });
  });

  it('hands the sqlite plugin a sqlite: URL for the sqlite3: alias (it parses only sqlite:)', () => {
    expect(resolveStoreLocation('sqlite3:ci.db?synchronous=normal', {}, cwd)).toMatchObject({ packageName: '@autodev/storage-sqlite', url: 'sqlite:ci.db?synchronous=normal', display: 'sqlite3:ci.db?synchronous=normal' });
  });

  it('maps http: and https: to @autodev/storage-http (a collector), hiding credentials and tokens in what it prints', () => {
    expect(resolveStoreLocation('http://127.0.0.1:8787', {}, cwd)).toEqual({
      kind: 'plugin',
      scheme: 'http',
      packageName: '@autodev/storage-http',
      communityPackageName: 'autodev-storage-http',
      url: 'http://127.0.0.1:8787',
      display: 'http://127.0.0.1:8787',
    });
    expect(resolveStoreLocation(undefined, { AUTODEV_STORE: 'HTTPS://ci:tok@metrics.internal/?token=abc' }, cwd)).toMatchObject({
      packageName: '@autodev/storage-http',
      url: 'HTTPS://ci:tok@metrics.internal/?token=abc', // the plugin refuses it, with a message that does not echo it
      display: 'HTTPS://***@metrics.internal/?token=***',
    });
  });

  it('redacts only the password of a URL', () => {
    expect(redact('postgres://ci:s3cret@db:5432/metrics')).toBe('postgres://ci:***@db:5432/metrics');
    expect(redact('postgres://db/metrics')).toBe('postgres://db/metrics');
  });

  it('redacts the whole user part of http(s) URLs and secret-looking query values of any URL', () => {
    expect(redact('https://user:pass@metrics.internal:8443/autodev/')).toBe('https://***@metrics.internal:8443/autodev/');
    expect(redact('https://ghp_abc123@metrics.internal')).toBe('https://***@metrics.internal');
    expect(redact('http://metrics.internal/a@b')).toBe('http://metrics.internal/a@b');
    expect(redact('http://h/?token=abc&x=1&api_key=k#f')).toBe('http://h/?token=***&x=1&api_key=***#f');
    expect(redact('postgres://h/db?sslmode=require&password=pw')).toBe('postgres://h/db?sslmode=require&password=***');
    expect(redact('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
  });
});

describe('importOptional', () => {
  it('resolves to the module when installed and to undefined when not', async () => {
    expect(typeof ((await importOptional('@autodev/storage-http')) as { openStore?: unknown }).openStore).toBe('function');
    expect(await importOptional('@autodev/storage-surely-not-installed', '/')).toBeUndefined();
  });
});

describe('openStoreAt read-only (the plugin protocol)', () => {
  const tmp = useTempDir();

  it('asks the sqlite plugin not to create a missing database (every URL form), and it answers exists: false', async () => {
    const dir = tmp();
    for (const url of [`sqlite:${dir}/typo/m.db`, `sqlite://${dir}/typo/m.db?busyTimeoutMs=100`, `sqlite3:${dir}/typo/m.db`, 'sqlite::memory:']) {
      const store = await openStoreAt(resolveStoreLocation(url, {}, dir), { readOnly: true, cwd: dir });
      expect(storeMissing(store)).toBe(true);
      expect(await store.names()).toEqual([]);
      await store.close();
    }
    expect(readdirSync(dir)).toEqual([]);
    // Not read-only: created as before; then read-only finds it.
    const writer = await openStoreAt(resolveStoreLocation(`sqlite:${dir}/typo/m.db`, {}, dir), { cwd: dir });
    await writer.append([{ name: 'x', value: 1, timestamp: 1, metadata: {} }]);
    await writer.close();
    const reader = await openStoreAt(resolveStoreLocation(`sqlite3:${dir}/typo/m.db`, {}, dir), { readOnly: true, cwd: dir });
    expect(storeMissing(reader)).toBe(false);
    expect(await reader.names()).toEqual(['x']);
    await reader.close();
  });

  /** Writes a plugin package @autodev/storage-<name> into <dir>/node_modules that logs how openStore was called. */
  const fakePlugin = (dir: string, name: string, source: string) => {
    const at = join(dir, 'node_modules', '@autodev', `storage-${name}`);
    mkdirSync(at, { recursive: true });
    writeFileSync(join(at, 'package.json'), JSON.stringify({ name: `@autodev/storage-${name}`, type: 'module', main: 'index.js' }));
    writeFileSync(join(at, 'index.js'), source);
  };
  const store = `{ append: async () => {}, query: async () => [], names: async () => [], close: async () => {} }`;

  it('passes { readOnly } only to plugins that list it in OPEN_STORE_OPTIONS; others get the URL alone, as before', async () => {
    const dir = tmp();
    // Like @autodev/storage-http, whose second parameter is the environment: it must not receive { readOnly }.
    fakePlugin(dir, 'legacy', `export const calls = []; export async function openStore(url, env = { FROM: 'default' }) { calls.push([arguments.length, env.FROM]); return ${store}; }`);
    fakePlugin(dir, 'modern', `export const OPEN_STORE_OPTIONS = ['readOnly']; export const calls = []; export async function openStore(url, options) { calls.push(options); return { ...${store}, exists: !options.readOnly }; }`);
    fakePlugin(dir, 'cjsish', `const calls = []; export default { OPEN_STORE_OPTIONS: ['readOnly'], calls, async openStore(url, options) { calls.push(options); return ${store}; } };`);
    const open = (url: string, readOnly: boolean) => openStoreAt(resolveStoreLocation(url, {}, dir), { readOnly, cwd: dir });

    const legacy = await open('legacy:x', true);
    expect(storeMissing(legacy)).toBe(false);
    await open('legacy:x', false);
    const legacyMod = (await importOptional('@autodev/storage-legacy', dir)) as { calls: unknown[] };
    expect(legacyMod.calls).toEqual([
      [1, 'default'],
      [1, 'default'],
    ]);

    expect(storeMissing(await open('modern:x', true))).toBe(true);
    expect(storeMissing(await open('modern:x', false))).toBe(false);
    expect(((await importOptional('@autodev/storage-modern', dir)) as { calls: unknown[] }).calls).toEqual([{ readOnly: true }, { readOnly: false }]);

    await open('cjsish:x', true);
    expect(((await importOptional('@autodev/storage-cjsish', dir)) as { default: { calls: unknown[] } }).default.calls).toEqual([{ readOnly: true }]);
  });

  it('finds a third party plugin published as autodev-storage-<scheme>; the official package wins when both are installed', async () => {
    const dir = tmp();
    const community = (name: string, tag: string) => {
      const at = join(dir, 'node_modules', `autodev-storage-${name}`);
      mkdirSync(at, { recursive: true });
      writeFileSync(join(at, 'package.json'), JSON.stringify({ name: `autodev-storage-${name}`, type: 'module', main: 'index.js' }));
      writeFileSync(join(at, 'index.js'), `export async function openStore(url) { return { ...${store}, names: async () => [${JSON.stringify(tag)}, url] }; }`);
    };
    community('dynamo', 'community');
    const names = async (url: string) => {
      const s = await openStoreAt(resolveStoreLocation(url, {}, dir), { cwd: dir });
      return s.names();
    };
    expect(await names('dynamo://table')).toEqual(['community', 'dynamo://table']);
    community('both', 'community');
    fakePlugin(dir, 'both', `export async function openStore(url) { return { ...${store}, names: async () => ['official'] }; }`);
    expect(await names('both:x')).toEqual(['official']);
    // Neither installed: the error names both packages and how to install the official one.
    const e = (await openStoreAt(resolveStoreLocation('nosuch:x', {}, dir), { cwd: dir }).then(
      () => undefined,
      (x: unknown) => x,
    )) as Error & { code?: string };
    expect(e).toMatchObject({ code: 'STORE_PLUGIN_MISSING' });
    expect(e.message).toContain('needs the package @autodev/storage-nosuch (or a third party\'s autodev-storage-nosuch), and neither is installed');
  });

  it('reads the options the bundled plugins declare', async () => {
    const options = async (url: string) => (await loadStorePlugin(resolveStoreLocation(url, {}, '/') as Extract<ReturnType<typeof resolveStoreLocation>, { kind: 'plugin' }>)).options;
    expect(await options('sqlite:x.db')).toContain('readOnly');
    expect(await options('postgres://h/db')).toContain('readOnly');
  });
});
