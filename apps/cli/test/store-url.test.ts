import { describe, expect, it } from 'vitest';
import { DEFAULT_STORE, redact, resolveStoreLocation } from '../src/store-url.js';

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

  it('redacts only the password of a URL', () => {
    expect(redact('postgres://ci:s3cret@db:5432/metrics')).toBe('postgres://ci:***@db:5432/metrics');
    expect(redact('postgres://db/metrics')).toBe('postgres://db/metrics');
  });
});
