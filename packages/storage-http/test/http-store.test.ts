// HttpMetricStore beyond the contract: options, typed errors for every HTTP failure (timeouts, broken
// connections, redirects), what goes on the wire, and clients on several "machines" recording into one
// collector through MetricsTracker.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createMemoryStore, MetricsTracker, type MetricRecord } from '@autodev/learning';
import { createMetricsServer } from '@autodev/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openHttpStore } from '../src/index.js';
import { httpCause, rejection, startCollector, startRawServer } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function collector(options: Parameters<typeof startCollector>[0] = {}) {
  const c = await startCollector(options);
  cleanups.push(c.stop);
  return c;
}

/** A plain server with a handler of our own (for answers no collector gives), closed after the test. */
const rawServer = (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> => startRawServer(handler, cleanups);

/** Answers JSON, as a collector would. */
function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

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
      [{ url: 'http://127.0.0.1:1', token: 'nul\u0000char' }, /token has a character headers cannot carry/],
      [{ url: 'http://127.0.0.1:1', token: 'euro€' }, /token has a character headers cannot carry/],
      [{ url: 'http://127.0.0.1:1', timeoutMs: 0 }, /timeoutMs/],
      // Node's timers fire at once beyond 2^31 - 1 ms (with only a warning): every request would time out.
      [{ url: 'http://127.0.0.1:1', timeoutMs: 2 ** 31 }, /timeoutMs must be a whole number of milliseconds from 1 to 2147483647 \(about 24 days\), got 2147483648/],
      [{ url: 'http://127.0.0.1:1', maxResponseBytes: 0 }, /maxResponseBytes must be a whole number of bytes from 1 to \d+, got 0/],
      [{ url: 'http://127.0.0.1:1', maxResponseBytes: 1.5 }, /maxResponseBytes/],
      [{ url: 'http://127.0.0.1:1', maxResponseBytes: 2 ** 40 }, /maxResponseBytes/],
      // Requests go through node:http; a `fetch` (or a misspelt option) is refused rather than ignored.
      [{ url: 'http://127.0.0.1:1', fetch: globalThis.fetch }, /unknown option "fetch"; openHttpStore takes url, token, timeoutMs, headers, maxResponseBytes/],
      [{ url: 'http://127.0.0.1:1', timeout: 5 }, /unknown option "timeout"/],
    ];
    for (const [options, message] of cases) {
      const e = await rejection(openHttpStore(options as never), 'INVALID_ARGUMENT');
      expect(e.message).toMatch(message);
    }
  });

  it('refuses headers that cannot be sent at open, naming the header but never echoing its value', async () => {
    const url = 'http://127.0.0.1:1'; // never reached: every case fails before a request
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ 'x-trace': 'abc\r\nx-injected: 1' }, /header "x-trace" has a line break or another character headers cannot carry/],
      [{ 'x-proxy-auth': 'secret-value\n' }, /header "x-proxy-auth" has a line break/],
      [{ 'x-nul': 'a\u0000b' }, /header "x-nul" has a line break or another character/],
      [{ 'bad name': 'v' }, /header name "bad name" is not a valid HTTP header name/],
      [{ '': 'v' }, /header name "" is not a valid/],
      [{ 'x-count': 3 }, /header "x-count" must be a string, got number/],
      [{ 'Content-Length': '5' }, /header "content-length" is set by the store/],
      [{ 'transfer-encoding': 'chunked' }, /header "transfer-encoding" is set by the store/],
    ];
    for (const [headers, message] of cases) {
      const e = await rejection(openHttpStore({ url, headers: headers as Record<string, string> }), 'INVALID_ARGUMENT');
      expect(e.message, JSON.stringify(headers)).toMatch(message);
      expect(e.message).not.toMatch(/secret-value|injected/);
    }
    const both = await rejection(openHttpStore({ url, token: 'a-token-1', headers: { Authorization: 'Basic eDp5' } }), 'INVALID_ARGUMENT');
    expect(both.message).toMatch(/either a token or an "authorization" header, not both/);
    expect(both.message).not.toMatch(/eDp5/);
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

  /**
   * Fakes setTimeout (the store's request timer) for the rest of the test. The server calls `arrived(req)` for a
   * request it leaves hanging; `expire(path)` waits until `path` has arrived, then lets the store's 200 ms run out.
   * In real time a busy machine could also let the health check at open run out of them (it has the same timeout),
   * and the hanging requests now time out exactly when the test says.
   */
  function timeoutOnCue(): { arrived: (req: IncomingMessage) => void; expire: (path: string) => Promise<void> } {
    const waiting = new Map<string, () => void>();
    const seen = new Set<string>();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    cleanups.push(async () => {
      vi.useRealTimers();
    });
    return {
      arrived: (req) => {
        seen.add(req.url!);
        waiting.get(req.url!)?.();
      },
      expire: async (path) => {
        if (!seen.has(path)) await new Promise<void>((r) => waiting.set(path, r));
        seen.delete(path);
        waiting.delete(path);
        await vi.advanceTimersByTimeAsync(200);
      },
    };
  }

  it('TIMEOUT when the collector does not answer in time; the message says an append may have landed', async () => {
    const cue = timeoutOnCue();
    const url = await rawServer((req, res) => {
      if (req.url === '/v1/health') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
        return;
      }
      cue.arrived(req); // and no answer
    });
    const store = await openHttpStore({ url, timeoutMs: 200 });
    const appending = rejection(store.append([rec('m', 1, 1)]), 'STORE_IO');
    await cue.expire('/v1/records');
    const e = await appending;
    expect(httpCause(e).code).toBe('TIMEOUT');
    expect(e.message).toMatch(/within 200 ms; the records may or may not have been stored/);
    const naming = rejection(store.names(), 'STORE_IO');
    await cue.expire('/v1/names');
    expect(httpCause(await naming).code).toBe('TIMEOUT');
    await store.close();
  });

  it('TIMEOUT when the answer stops halfway; NETWORK when the connection drops mid-answer', async () => {
    const cue = timeoutOnCue();
    const url = await rawServer((req, res) => {
      if (req.url === '/v1/health') return json(res, 200, { ok: true });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"names":[', () => cue.arrived(req)); // and never the rest
      if (req.url === '/v1/query') res.destroy();
    });
    const store = await openHttpStore({ url, timeoutMs: 200 });
    const naming = rejection(store.names(), 'STORE_IO');
    await cue.expire('/v1/names');
    expect(httpCause(await naming).code).toBe('TIMEOUT');
    expect(httpCause(await rejection(store.query(), 'STORE_IO')).code).toBe('NETWORK');
    await store.close();
  });

  it('RESPONSE_TOO_LARGE when an answer is larger than maxResponseBytes, announced or not; the store stays usable', async () => {
    const names = { names: Array.from({ length: 100 }, (_, i) => `metric_${i}`) }; // ~1,300 bytes
    const url = await rawServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/v1/health') return json(res, 200, { ok: true });
        if (req.url === '/v1/names') {
          // Announced with a content-length: refused before reading the body.
          const body = JSON.stringify(names);
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
          return res.end(body);
        }
        res.writeHead(200, { 'content-type': 'application/json' }); // chunked: the size shows only while reading
        res.write('{"records":[');
        const one = JSON.stringify({ name: 'm', value: 1, timestamp: 1, metadata: { pad: 'x'.repeat(100) } });
        for (let i = 0; i < 50; i++) res.write(`${i ? ',' : ''}${one}`);
        res.end(']}');
      });
    });
    const store = await openHttpStore({ url, maxResponseBytes: 1000 });
    const n = await rejection(store.names(), 'STORE_IO');
    expect(httpCause(n)).toMatchObject({ code: 'RESPONSE_TOO_LARGE', method: 'GET', url: `${url}/v1/names`, status: 200 });
    expect(n.message).toMatch(/GET .*\/v1\/names answered more than 1000 bytes \(maxResponseBytes\); .*raise maxResponseBytes/);
    const q = await rejection(store.query({ name: 'm' }), 'STORE_IO');
    expect(httpCause(q)).toMatchObject({ code: 'RESPONSE_TOO_LARGE', method: 'POST', status: 200 });
    expect(q.message).toMatch(/ask for less at once \(name, from, to, where, limit\)/);
    await store.close();
    // The same answers under the default limit.
    const roomy = await openHttpStore({ url });
    expect(await roomy.names()).toHaveLength(100);
    expect(await roomy.query()).toHaveLength(50);
    await roomy.close();
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

  it('BAD_RESPONSE names the request that got the odd answer (POST /v1/query, GET /v1/names, GET /v1/health)', async () => {
    const url = await rawServer((req, res) => {
      req.resume();
      req.on('end', () => json(res, 200, req.url === '/v1/health' ? { ok: true } : { something: 'else' }));
    });
    const store = await openHttpStore({ url });
    const q = httpCause(await rejection(store.query({ name: 'm' }), 'STORE_IO'));
    expect(q).toMatchObject({ code: 'BAD_RESPONSE', method: 'POST', url: `${url}/v1/query`, status: 200 });
    expect(q.message).toMatch(/^POST http:.*\/v1\/query answered 200 without a "records" array; is this an @autodev\/server collector\?$/);
    expect(httpCause(await rejection(store.names(), 'STORE_IO'))).toMatchObject({ code: 'BAD_RESPONSE', method: 'GET', url: `${url}/v1/names`, status: 200 });
    await store.close();
    const notOk = await rawServer((_req, res) => json(res, 200, { ok: 'yes' }));
    const h = httpCause(await rejection(openHttpStore({ url: notOk }), 'STORE_IO'));
    expect(h).toMatchObject({ code: 'BAD_RESPONSE', method: 'GET', url: `${notOk}/v1/health`, status: 200 });
    expect(h.message).toMatch(/answered 200 without \{"ok":true\}/);
  });

  it('BAD_RESPONSE for names that are not strings and records that are not valid records (learning\'s validateRecord)', async () => {
    const answers: [unknown, RegExp][] = [
      [{ records: [null] }, /an invalid record at records\[0\]: record must be an object, got null/],
      [{ records: [{ name: 'm', value: 1, timestamp: 1, metadata: {} }, { name: 'm', value: '2', timestamp: 2, metadata: {} }] }, /an invalid record at records\[1\]: metric "m": value must be a number, got "2"/],
      [{ records: [{ name: 'm', value: 1, metadata: {} }] }, /an invalid record at records\[0\]: timestamp is missing/],
      [{ records: [{ name: '', value: 1, timestamp: 1 }] }, /an invalid record at records\[0\]: metric name must not be empty/],
      [{ records: [{ name: 'm', value: 1, timestamp: 1, metadata: [] }] }, /an invalid record at records\[0\]: .*metadata must be a plain object/],
      [{ names: ['m', 7] }, /a name that is not a string at names\[1\]/],
    ];
    let next = 0;
    const url = await rawServer((req, res) => {
      req.resume();
      req.on('end', () => json(res, 200, req.url === '/v1/health' ? { ok: true } : answers[next++]![0]));
    });
    const store = await openHttpStore({ url });
    for (const [answer, message] of answers) {
      const e = await rejection('names' in (answer as object) ? store.names() : store.query(), 'STORE_IO');
      expect(httpCause(e), JSON.stringify(answer)).toMatchObject({ code: 'BAD_RESPONSE', status: 200 });
      expect(e.message).toMatch(message);
    }
    await store.close();
  });

  it('answers of a collector come back as clean records: unknown fields dropped, metadata defaulted', async () => {
    const url = await rawServer((req, res) => {
      req.resume();
      req.on('end', () => json(res, 200, req.url === '/v1/health' ? { ok: true } : { records: [{ name: 'm', value: 1, timestamp: 5, extra: true }] }));
    });
    const store = await openHttpStore({ url });
    expect(await store.query()).toEqual([{ name: 'm', value: 1, timestamp: 5, metadata: {} }]);
    await store.close();
  });

  it('BAD_RESPONSE when an append is answered 2xx without { appended } equal to the batch length', async () => {
    const answers: unknown[] = [{ appended: 0 }, { appended: 1 }, { records: [] }, {}, [], { appended: '2' }];
    let next = 0;
    const url = await rawServer((req, res) => {
      if (req.url === '/v1/health') return json(res, 200, { ok: true });
      req.resume();
      req.on('end', () => json(res, 200, answers[next++]));
    });
    const store = await openHttpStore({ url });
    for (const answer of answers) {
      const e = await rejection(store.append([rec('m', 1, 1), rec('m', 2, 2)]), 'STORE_IO');
      expect(httpCause(e), JSON.stringify(answer)).toMatchObject({ code: 'BAD_RESPONSE', status: 200, method: 'POST', url: `${url}/v1/records` });
      expect(e.message).toMatch(/POST .*\/v1\/records answered .* for a batch of 2 records; the records may or may not have been stored/);
    }
    await store.close();
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
    // A record that skipped MetricsTracker's validation: the collector validates again (a control character in
    // a name passes the client's shallow check, not the collector's validateRecord).
    const e = await rejection(store.append([rec('ok', 1, 1), rec('bad\u0007name', 1, 1)]), 'INVALID_RECORD');
    expect(e.message).toMatch(/records\[1\]: .*must not contain control characters/);
    expect(await backing.query()).toEqual([]);
    // A malformed record is refused before anything is sent (assertStorableRecord).
    const local = await rejection(store.append([rec('ok', 1, 1), rec('', 1, 1)]), 'INVALID_RECORD');
    expect(local.message).toMatch(/name must be a non-empty string/);
    expect(await backing.query()).toEqual([]);
    // Queries are checked before they are sent, with learning's validateQuery.
    await rejection(store.query({ limit: -1 }), 'INVALID_ARGUMENT');
    await store.close();
  });
});

describe('redirects are errors, never followed', () => {
  it('an append a proxy redirects is refused, saying where it pointed, and is not re-sent as a GET that stores nothing', async () => {
    // An http → https redirect of a TLS-terminating proxy (with a secret of its own in the query), and a 303 to
    // the same URL: with a redirect-following client that one "succeeded" with 0 records stored.
    const cases = [301, 302, 303, 307, 308].map((status) => ({ status, https: status !== 303 }));
    for (const { status, https } of cases) {
      const seen: string[] = [];
      const url = await rawServer((req, res) => {
        seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
        if (req.url === '/v1/health') return json(res, 200, { ok: true });
        if (req.method === 'POST') {
          res.writeHead(status, { location: `${https ? `https://${req.headers.host}` : ''}/v1/records?session=proxy-secret` });
          return res.end();
        }
        json(res, 200, { records: [] }); // what a collector answers to GET /v1/records: 200, nothing stored
      });
      const store = await openHttpStore({ url, token: 'redirect-token-1' });
      const e = await rejection(store.append([rec('m', 1, 1)]), 'STORE_IO');
      expect(httpCause(e), String(status)).toMatchObject({ code: 'HTTP_STATUS', status, method: 'POST', url: `${url}/v1/records` });
      const to = https ? url.replace('http:', 'https:') : url;
      expect(e.message).toContain(`answered ${status}, a redirect to ${to}/v1/records; redirects are not followed`);
      expect(e.message).toContain(https ? `use ${to}/ as the collector URL` : "use the collector's own address as its URL");
      expect(e.message).not.toMatch(/proxy-secret|redirect-token-1/);
      expect(seen).toEqual(['GET /v1/health Bearer redirect-token-1', 'POST /v1/records Bearer redirect-token-1']);
      await store.close();
    }
  });

  it('at open: a redirected health check fails the open with the base URL to use', async () => {
    const url = await rawServer((_req, res) => {
      res.writeHead(301, { location: 'https://metrics.example/autodev/v1/health' });
      res.end();
    });
    const e = await rejection(openHttpStore({ url }), 'STORE_IO');
    expect(httpCause(e)).toMatchObject({ code: 'HTTP_STATUS', status: 301, method: 'GET' });
    expect(e.message).toMatch(/a redirect to https:\/\/metrics\.example\/autodev\/v1\/health; .*use https:\/\/metrics\.example\/autodev\/ as the collector URL/);
    const bare = await rawServer((_req, res) => {
      res.writeHead(302); // no Location at all
      res.end();
    });
    expect((await rejection(openHttpStore({ url: bare }), 'STORE_IO')).message).toMatch(/302, a redirect without a Location; .*use the collector's own address/);
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

  it('sends the token as a bearer header, extra headers, and UTF-8 bodies with their byte length; never the token in the URL', async () => {
    const seen: { url: string; headers: IncomingMessage['headers']; body: string }[] = [];
    const url = await rawServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (d: string) => (body += d));
      req.on('end', () => {
        seen.push({ url: req.url ?? '', headers: req.headers, body });
        json(res, 200, req.url === '/v1/health' ? { ok: true } : req.url === '/v1/query' ? { records: [] } : { appended: 1 });
      });
    });
    const store = await openHttpStore({ url, token: 'header-token-123', headers: { 'x-trace-id': 'abc' } });
    const record = { name: 'größe_µs', value: 1, timestamp: 1, metadata: { note: 'naïve ☃ \ud800' } };
    await store.append([record]);
    await store.query({ name: 'm' });
    await store.close();
    expect(seen.map((s) => s.url)).toEqual(['/v1/health', '/v1/records', '/v1/query']);
    for (const s of seen) {
      expect(s.headers).toMatchObject({ authorization: 'Bearer header-token-123', 'x-trace-id': 'abc', accept: 'application/json' });
      expect(s.url).not.toContain('header-token-123');
    }
    expect(seen[1]!.headers['content-type']).toBe('application/json');
    expect(Number(seen[1]!.headers['content-length'])).toBe(Buffer.byteLength(seen[1]!.body));
    expect(JSON.parse(seen[1]!.body)).toEqual([record]);
    expect(JSON.parse(seen[2]!.body)).toEqual({ name: 'm' });
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
