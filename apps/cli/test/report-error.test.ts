import { describe, expect, it } from 'vitest';
import { LearningError } from '@autodev/learning';
import { reportError } from '../src/main.js';

const report = (e: unknown, storeKind?: 'file' | 'plugin'): { code: number; text: string } => {
  let text = '';
  const code = reportError(e, false, { write: (s: string) => ((text += s), true) } as never, storeKind);
  return { code, text };
};

describe('reportError hints', () => {
  it('gives the file-store hint for a file-store STORE_IO error', () => {
    const r = report(new LearningError('STORE_IO', '.autodev/metrics.jsonl: EISDIR, illegal operation on a directory'), 'file');
    expect(r.code).toBe(2);
    expect(r.text).toMatch(/\[STORE_IO\]\n {2}check that the store path is a writable file/);
  });

  it('adds no file-store hint to PostgreSQL or SQLite errors, which say what to do themselves', () => {
    for (const message of [
      'PostgreSQL failed while preparing the schema on "public"."autodev_metrics": database "nosuchdb" does not exist; create the database or fix its name in the connection string',
      '/tmp/ci.db is read-only while appending; check the file and folder permissions',
      'SQLite failed while reading on /tmp/ci.db: disk I/O error',
    ]) {
      const r = report(new LearningError('STORE_IO', message), 'plugin');
      expect(r.text, message).not.toMatch(/writable file/);
      expect(r.text.trim().split('\n')).toHaveLength(1);
    }
  });

  it('explains a refusing proxy of an http(s) store', () => {
    const cause = Object.assign(new Error('proxy http://proxy.internal:3128 (from HTTPS_PROXY) answered 407'), { name: 'HttpStoreError', code: 'PROXY' });
    const r = report(new LearningError('STORE_IO', 'POST https://metrics/v1/records failed: proxy refused', { cause }), 'plugin');
    expect(r.text).toMatch(/NO_PROXY/);
    expect(r.text).not.toMatch(/writable file/);
  });
});
