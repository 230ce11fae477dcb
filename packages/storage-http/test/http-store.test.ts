// HttpMetricStore beyond the contract: options, typed errors for every HTTP failure, timeouts, and clients
// on several "machines" recording into one collector through MetricsTracker.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMemoryStore, isLearningError, MetricsTracker, type MetricRecord } from '@autodev/learning';
import { createMetricsServer } from '@autodev/server';
import { afterEach, describe, expect, it } from 'vitest';
import { isHttpStoreError, openHttpStore, type HttpStoreError } from '../src/index.js';
import { startCollector } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function collector(options: Parameters<typeof startCollector>[0] = {}) {
  const c = await startCollector(options);
  cleanups.push(c.stop);
  return c;
}

/** A plain server with a handler of our own (for answers no collector gives). */
async function rawServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Awaits a rejection and returns it, checking it is a LearningError with `code`. */
async function rejection(p: Promise<unknown>, code: string): Promise<Error & { code: string; cause?: unknown }> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(isLearningError(e), String(e)).toBe(true);
  expect((e as { code: string }).code).toBe(code);
  return e as Error & { code: string; cause?: unknown };
}

const httpCause = (e: { cause?: unknown }): HttpStoreError => {
  expect(isHttpStoreError(e.cause)).toBe(true);
  return e.cause as HttpStoreError;
};

const rec = (name: string, value: number, timestamp: number): MetricRecord => ({ name, value, timestamp, metadata: {} });

describe('openHttpStore options', () => {
  it('rejects bad options with INVALID_ARGUMENT saying what to pass', async () => {
    const cases: [unknown, RegExp][] = [
      [undefined, /options object/],
      [{ url: 'not a url' }, /base URL/],
      [{ url: 'ftp://host/' }, /http: or https:/],
      [{ url: 'http://user:pw@127.0.0.1:1' }, /credentials/],
      [{ url: 'http://127.0.0.1:1', token: '' }, /token/],
      [{ url: 'http://127.0.0.1:1', token: 'two words' }, /token/],
      [{ url: 'http://127.0.0.1:1', timeoutMs: 0 }, /timeoutMs/],
      [{ url: 'http://127.0.0.1:1', fetch: 'yes' }, /fetch/],
    ];
    for (const [options, message] of cases) {
      const e = await rejection(openHttpStore(options as never), 'INVALID_ARGUMENT');
      expect(e.message).toMatch(message);
    }
  });
});

describe('typed HTTP errors (LearningError STORE_IO with an HttpStoreError cause)', () => {
  it('NETWORK when nothing listens', async () => {
    const url = await rawServer(() => {});
    await cleanups.pop()!(); // the port is free again: connection refused
    const e = await rejection(openHttpStore({ url }), 'STORE_IO');
    const cause = httpCause(e);
    expect(cause.code).toBe('NETWORK');
    expect(cause.message).toMatch(/ECONNREFUSED/);
    expect(cause.url).toBe(`${url}/v1/health`);
  });

  it('UNAUTHORIZED for a missing or wrong token, at open', async () => {
    const { url } = await collector({ token: 'the-right-token' });
    for (const token of [undefined, 'the-wrong-token']) {
      const e = await rejection(openHttpStore({ url, token }), 'STORE_IO');
      const cause = httpCause(e);
      expect(cause).toMatchObject({ code: 'UNAUTHORIZED', status: 401, serverCode: 'UNAUTHORIZED' });
      expect(e.message).toMatch(/pass the token/);
    }
    const store = await openHttpStore({ url, token: 'the-right-token' });
    await store.append([rec('m', 1, 1)]);
    await store.close();
  });

  it('TIMEOUT when the collector does not answer in time; the message says an append may have landed', async () => {
    const url = await rawServer((req, res) => {
      if (req.url === '/v1/health') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }
      // every other request hangs
    });
    const store = await openHttpStore({ url, timeoutMs: 200 });
    const e = await rejection(store.append([rec('m', 1, 1)]), 'STORE_IO');
    expect(httpCause(e).code).toBe('TIMEOUT');
    expect(e.message).toMatch(/within 200 ms; the records may or may not have been stored/);
    expect(httpCause(await rejection(store.names(), 'STORE_IO')).code).toBe('TIMEOUT');
    await store.close();
  });

  it('BAD_RESPONSE when the URL is not a collector', async () => {
    const url = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>some other app</html>');
    });
    const e = await rejection(openHttpStore({ url }), 'STORE_IO');
    expect(httpCause(e).code).toBe('BAD_RESPONSE');
    expect(e.message).toMatch(/@autodev\/server/);
  });

  it('HTTP_STATUS with status and serverCode for 413 and for a store failure on the collector; nothing stored', async () => {
    const { url, backing } = await collector({ maxBodyBytes: 2000 });
    const store = await openHttpStore({ url });
    const big = Array.from({ length: 100 }, (_, i) => rec('m', i, i));
    const e = await rejection(store.append(big), 'STORE_IO');
    expect(httpCause(e)).toMatchObject({ code: 'HTTP_STATUS', status: 413, serverCode: 'PAYLOAD_TOO_LARGE', method: 'POST' });
    expect(e.message).toMatch(/send fewer records per request/);
    expect(await backing.query()).toEqual([]);
    // The connection the 413 closed does not poison the next request.
    await store.append([rec('m', 1, 1)]);
    expect(await backing.names()).toEqual(['m']);

    await backing.close();
    const closed = await rejection(store.names(), 'STORE_IO');
    expect(httpCause(closed)).toMatchObject({ code: 'HTTP_STATUS', status: 503, serverCode: 'STORE_CLOSED' });
    await store.close();
  });

  it("hands the collector's validation errors back as learning's own codes", async () => {
    const { url, backing } = await collector();
    const store = await openHttpStore({ url });
    // A record that skipped MetricsTracker's validation: the collector validates again.
    const e = await rejection(store.append([rec('ok', 1, 1), rec('', 1, 1)]), 'INVALID_RECORD');
    expect(e.message).toMatch(/records\[1\]: metric name must not be empty/);
    expect(await backing.query()).toEqual([]);
    // Queries are checked before they are sent, with learning's validateQuery.
    await rejection(store.query({ limit: -1 }), 'INVALID_ARGUMENT');
    await store.close();
  });
});

describe('HttpMetricStore', () => {
  it('works behind a reverse proxy that mounts the collector under a path', async () => {
    const backing = createMemoryStore();
    const metrics = createMetricsServer({ store: backing });
    const url = await rawServer((req, res) => {
      if (!req.url?.startsWith('/autodev/')) {
        res.writeHead(404).end();
        return;
      }
      req.url = req.url.slice('/autodev'.length);
      metrics.handler(req, res);
    });
    cleanups.push(() => metrics.close());
    const store = await openHttpStore({ url: `${url}/autodev` });
    expect(store.url).toBe(`${url}/autodev/`);
    await store.append([rec('m', 1, 1)]);
    expect(await store.names()).toEqual(['m']);
    await store.close();
  });

  it('sends the token as a bearer header and extra headers, through the given fetch', async () => {
    const { url } = await collector({ token: 'header-token-123' });
    const seen: { url: string; headers: Record<string, string> }[] = [];
    const spy: typeof fetch = (input, init) => {
      seen.push({ url: input instanceof Request ? input.url : input.toString(), headers: init?.headers as Record<string, string> });
      return fetch(input, init);
    };
    const store = await openHttpStore({ url, token: 'header-token-123', headers: { 'x-trace-id': 'abc' }, fetch: spy });
    await store.append([rec('m', 1, 1)]);
    await store.query({ name: 'm' });
    expect(seen.map((s) => new URL(s.url).pathname)).toEqual(['/v1/health', '/v1/records', '/v1/query']);
    for (const s of seen) {
      expect(s.headers.authorization).toBe('Bearer header-token-123');
      expect(s.headers['x-trace-id']).toBe('abc');
      expect(s.url).not.toContain('header-token-123');
    }
    await store.close();
  });

  it('close() waits for an append in flight, then rejects with STORE_CLOSED', async () => {
    const { url, backing } = await collector();
    const store = await openHttpStore({ url });
    const inFlight = store.append([rec('m', 1, 1)]);
    await store.close();
    await inFlight;
    expect(await backing.names()).toEqual(['m']);
    await rejection(store.append([rec('m', 2, 2)]), 'STORE_CLOSED');
  });

  it('CI agents on several machines: 4 trackers record in parallel into one collector, nothing lost or doubled', async () => {
    const { url, backing } = await collector();
    const agents = await Promise.all([0, 1, 2, 3].map(() => openHttpStore({ url })));
    await Promise.all(
      agents.map(async (storage, a) => {
        const tracker = new MetricsTracker({ storage });
        for (let run = 0; run < 25; run++)
          await tracker.recordMetrics([
            { name: 'test_duration', value: 10 + run, timestamp: run, metadata: { agent: a, run } },
            { name: 'coverage_percent', value: 80, timestamp: run, metadata: { agent: a, run } },
          ]);
      }),
    );
    const all = await backing.query();
    expect(all).toHaveLength(4 * 25 * 2);
    const keys = all.map((r) => `${r.name}/${JSON.stringify(r.metadata)}`);
    expect(new Set(keys).size).toBe(all.length);
    for (const s of agents) await s.close();
  });
});
