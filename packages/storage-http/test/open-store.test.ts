// The CLI plugin entry point: openStore(url) with the token from AUTODEV_TOKEN, against a real collector; and
// its node:http transport (nodeFetch) through the same contract suite, model check and error cases as the
// default global fetch.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isLearningError, type MetricRecord } from '@autodev/learning';
import { describeMetricStoreContract, itAnswersLikeTheMemoryStore, type StoreFixture } from '@autodev/learning/testing';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isHttpStoreError, openHttpStore, openStore, TOKEN_ENV, type HttpStoreError } from '../src/index.js';
import { nodeFetch } from '../src/open-store.js';
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

const httpCause = (e: { cause?: unknown }): HttpStoreError => {
  expect(isHttpStoreError(e.cause)).toBe(true);
  return e.cause as HttpStoreError;
};

const rec = (name: string, value: number, timestamp: number): MetricRecord => ({ name, value, timestamp, metadata: {} });

/** A plain server with a handler of our own (for answers no collector gives). */
async function rawServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; stop: () => Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const stop = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  cleanups.push(stop);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop };
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

describe('nodeFetch, the transport of openStore', () => {
  interface HttpFixture extends StoreFixture {
    url: string;
  }
  describeMetricStoreContract<HttpFixture>(
    'http over node:http',
    async () => {
      const c = await startCollector({ token: 'contract-suite-token' });
      const store = await openHttpStore({ url: c.url, token: 'contract-suite-token', fetch: nodeFetch });
      return { store, url: c.url, dispose: c.stop };
    },
    { reopen: async (f) => ({ ...f, store: await openHttpStore({ url: f.url, token: 'contract-suite-token', fetch: nodeFetch }) }) },
  );

  itAnswersLikeTheMemoryStore(
    async () => {
      const c = await startCollector();
      const store = await openHttpStore({ url: c.url, fetch: nodeFetch });
      return {
        ...store,
        close: async () => {
          await store.close();
          await c.stop();
        },
      };
    },
    { numRuns: 50 },
  );

  it('NETWORK with the system code when nothing listens', async () => {
    const { url, stop } = await rawServer(() => {});
    await stop(); // the port is free again: connection refused
    const cause = httpCause(await rejection(openHttpStore({ url, fetch: nodeFetch }), 'STORE_IO'));
    expect(cause.code).toBe('NETWORK');
    expect(cause.message).toMatch(/ECONNREFUSED/);
  });

  it('TIMEOUT when no answer comes, and when the answer stops halfway', async () => {
    const { url } = await rawServer((req, res) => {
      if (req.url === '/v1/health') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      } else if (req.url === '/v1/names') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"names":['); // and never the rest
      }
      // every other request hangs
    });
    const store = await openHttpStore({ url, timeoutMs: 200, fetch: nodeFetch });
    const e = await rejection(store.append([rec('m', 1, 1)]), 'STORE_IO');
    expect(httpCause(e).code).toBe('TIMEOUT');
    expect(e.message).toMatch(/may or may not have been stored/);
    expect(httpCause(await rejection(store.names(), 'STORE_IO')).code).toBe('TIMEOUT');
    await store.close();
  });

  it('NETWORK when the connection drops mid-answer; BAD_RESPONSE for something that is not a collector', async () => {
    const { url } = await rawServer((req, res) => {
      res.writeHead(200, { 'content-type': req.url === '/v1/health' ? 'application/json' : 'text/html', 'content-length': '100' });
      if (req.url === '/v1/health') res.end('{"ok":true}'.padEnd(100));
      else {
        res.write('<html>');
        res.destroy();
      }
    });
    const store = await openHttpStore({ url, fetch: nodeFetch });
    expect(httpCause(await rejection(store.names(), 'STORE_IO')).code).toBe('NETWORK');
    await store.close();
    const other = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>some other app</html>');
    });
    expect(httpCause(await rejection(openHttpStore({ url: other.url, fetch: nodeFetch }), 'STORE_IO')).code).toBe('BAD_RESPONSE');
  });

  it("HTTP_STATUS for a 413 (the collector closes the connection) and for a 3xx (not followed); the collector's validation errors", async () => {
    const { url, backing } = await startCollector({ maxBodyBytes: 2000 });
    cleanups.push(async () => backing.close());
    const store = await openHttpStore({ url, fetch: nodeFetch });
    const e = await rejection(store.append(Array.from({ length: 100 }, (_, i) => rec('m', i, i))), 'STORE_IO');
    expect(httpCause(e)).toMatchObject({ code: 'HTTP_STATUS', status: 413, serverCode: 'PAYLOAD_TOO_LARGE' });
    await store.append([rec('m', 1, 1)]); // the next request gets a fresh connection
    await rejection(store.append([rec('', 1, 1)]), 'INVALID_RECORD');
    expect(await backing.query()).toEqual([rec('m', 1, 1)]);
    await store.close();
    const redirect = await rawServer((_req, res) => {
      res.writeHead(301, { location: 'https://elsewhere.invalid/' });
      res.end();
    });
    expect(httpCause(await rejection(openHttpStore({ url: redirect.url, fetch: nodeFetch }), 'STORE_IO'))).toMatchObject({ code: 'HTTP_STATUS', status: 301 });
  });

  it('sends headers, the token and UTF-8 bodies with their byte length', async () => {
    const seen: { headers: IncomingMessage['headers']; body: string }[] = [];
    const { url } = await rawServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(req.url === '/v1/health' ? '{"ok":true}' : '{"appended":1}');
      });
    });
    const store = await openHttpStore({ url, token: 'header-token-1', headers: { 'x-trace': 't1' }, fetch: nodeFetch });
    await store.append([{ name: 'größe_µs', value: 1, timestamp: 1, metadata: { note: 'naïve ☃ \ud800' } }]);
    await store.close();
    expect(seen[1]!.headers).toMatchObject({ authorization: 'Bearer header-token-1', 'x-trace': 't1', 'content-type': 'application/json' });
    expect(Number(seen[1]!.headers['content-length'])).toBe(Buffer.byteLength(seen[1]!.body));
    expect(JSON.parse(seen[1]!.body)).toEqual([{ name: 'größe_µs', value: 1, timestamp: 1, metadata: { note: 'naïve ☃ \ud800' } }]);
  });
});
