import { describe, expect, it } from 'vitest';
import { DEFAULT_STORE, importOptional, redact, resolveStoreLocation, sqliteFile } from '../src/store-url.js';

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

  it('finds the database file of a sqlite: store, so read-only commands do not create it', () => {
    const at = (url: string) => sqliteFile(resolveStoreLocation(url, {}, cwd), cwd);
    expect(at('sqlite:.autodev/metrics.db')).toBe('/work/repo/.autodev/metrics.db');
    expect(at('sqlite:/var/ci.db?busyTimeoutMs=100')).toBe('/var/ci.db');
    expect(at('sqlite:///var/ci.db')).toBe('/var/ci.db');
    expect(at('sqlite3:ci.db')).toBe('/work/repo/ci.db');
    expect(at('sqlite::memory:')).toBeUndefined();
    expect(at('postgres://h/db')).toBeUndefined();
    expect(at('ci.jsonl')).toBeUndefined();
  });

  it('maps http: and https: to @autodev/storage-http (a collector), hiding credentials and tokens in what it prints', () => {
    expect(resolveStoreLocation('http://127.0.0.1:8787', {}, cwd)).toEqual({
      kind: 'plugin',
      scheme: 'http',
      packageName: '@autodev/storage-http',
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
