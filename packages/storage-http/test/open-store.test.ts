// The CLI plugin entry point: openStore(url) with the token from AUTODEV_TOKEN, against a real collector.
// (Its transport is openHttpStore's: the contract suite, model check and error cases run in the other files.)
import { isLearningError } from '@autodev/learning';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isHttpStoreError, openStore, TOKEN_ENV } from '../src/index.js';
import { startCollector } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function collector(token?: string) {
  const c = await startCollector(token === undefined ? {} : { token });
  cleanups.push(c.stop);
  return c;
}

async function rejection(p: Promise<unknown>, code?: string): Promise<Error & { code: string; cause?: unknown }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isLearningError(e), String(e)).toBe(true);
  if (code !== undefined) expect((e as { code: string }).code).toBe(code);
  return e as Error & { code: string; cause?: unknown };
}

describe('openStore (the autodev CLI plugin entry)', () => {
  it('opens the collector at the URL with the token of AUTODEV_TOKEN (process.env by default)', async () => {
    const c = await collector('plugin-token-123');
    vi.stubEnv(TOKEN_ENV, 'plugin-token-123');
    const store = await openStore(c.url);
    await store.append([{ name: 'x', value: 1, timestamp: 1, metadata: { runner: 'a' } }]);
    await store.close();
    const other = await openStore(`${c.url}/`, { [TOKEN_ENV]: 'plugin-token-123' });
    expect(await other.query({ name: 'x' })).toEqual([{ name: 'x', value: 1, timestamp: 1, metadata: { runner: 'a' } }]);
    await other.close();
  });

  it('works without a token when the collector has none; an empty AUTODEV_TOKEN counts as unset', async () => {
    const c = await collector();
    const store = await openStore(c.url, { [TOKEN_ENV]: '' });
    expect(await store.names()).toEqual([]);
    await store.close();
  });

  it('says to set AUTODEV_TOKEN when the token is missing or wrong (STORE_IO, cause UNAUTHORIZED)', async () => {
    const c = await collector('plugin-token-123');
    const missing = await rejection(openStore(c.url, {}));
    expect(missing.code).toBe('STORE_IO');
    expect(missing.message).toMatch(/needs a token: set AUTODEV_TOKEN/);
    expect(isHttpStoreError(missing.cause) && missing.cause.code).toBe('UNAUTHORIZED');
    const wrong = await rejection(openStore(c.url, { [TOKEN_ENV]: 'not-the-token' }));
    expect(wrong.message).toMatch(/refused AUTODEV_TOKEN: it is not the token/);
    expect(wrong.message).not.toMatch(/not-the-token/);
    expect(isHttpStoreError(wrong.cause) && wrong.cause.status).toBe(401);
  });

  it('refuses credentials and tokens in the URL, query parameters and other schemes, without echoing secrets', async () => {
    const cases: [string, RegExp][] = [
      ['http://ci:s3cret@127.0.0.1:1', /must not hold credentials.*AUTODEV_TOKEN/],
      ['https://s3cret@metrics.internal', /must not hold credentials/],
      ['http://127.0.0.1:1/?token=s3cret', /never put the token in the collector URL.*AUTODEV_TOKEN/],
      ['http://127.0.0.1:1/?api_key=s3cret', /never put the token/],
      ['http://127.0.0.1:1/?timeout=5', /takes no query parameters, got "timeout"/],
      ['ftp://127.0.0.1/', /starts with http:\/\/ or https:\/\//],
      ['http://s3cret host/', /cannot be parsed/],
    ];
    for (const [url, message] of cases) {
      const e = await rejection(openStore(url, {}));
      expect(e.code, url).toBe('INVALID_ARGUMENT');
      expect(e.message, url).toMatch(message);
      expect(e.message, url).not.toMatch(/s3cret/);
    }
    const ws = await rejection(openStore('http://127.0.0.1:1', { [TOKEN_ENV]: 'token-with-newline\n' }));
    expect(ws.code).toBe('INVALID_ARGUMENT');
    expect(ws.message).toMatch(/AUTODEV_TOKEN must not contain spaces or line breaks/);
  });

  it('passes other failures through unchanged (NETWORK when nothing listens)', async () => {
    const e = await rejection(openStore('http://127.0.0.1:1', {}));
    expect(e.code).toBe('STORE_IO');
    expect(isHttpStoreError(e.cause) && e.cause.code).toBe('NETWORK');
  });
});
