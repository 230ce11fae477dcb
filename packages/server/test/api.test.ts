// The JSON API over real HTTP: every endpoint, every error case, and that a rejected request stores nothing.
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createMemoryStore, LearningError, type MetricRecord, type MetricStore } from '@autodev/learning';
import { describe, expect, it, vi } from 'vitest';
import { createMetricsServer, DEFAULT_SESSION_MAX_AGE_SECONDS, isLoopbackHost, isMetricsServerError, isUsableToken } from '../src/index.js';
import { SESSION_COOKIE, sessionCookieName, sessionValue } from '../src/internal/auth.js';
import { call, mount, post, rawGet, signal, start } from './helpers.js';

const T0 = Date.parse('2026-02-01T00:00:00Z');
const rec = (name: string, value: number, timestamp: number, metadata: Record<string, unknown> = {}) => ({ name, value, timestamp, metadata });
const plain = (rs: readonly MetricRecord[]) => rs.map((r) => ({ ...r }));

/** Posts `body`, expects an error with `code` and `status`, and that the store is still empty. */
async function rejects(url: string, store: MetricStore, body: unknown, status: number, code: string, headers: Record<string, string> = {}) {
  const res = await post(url, body, headers);
  expect(res.status).toBe(status);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe('string');
  expect(await store.query()).toEqual([]);
  return res.body.error.message as string;
}

/** A memory store whose append waits for `release()`: `inAppend` resolves once an append is inside the store. */
function heldAppendStore() {
  const inner = createMemoryStore();
  const { done: inAppend, fire: entered } = signal();
  const { done: released, fire: release } = signal();
  const store: MetricStore = {
    ...inner,
    append: async (records) => {
      entered();
      await released;
      await inner.append(records);
    },
  };
  return { inner, store, inAppend, release };
}

describe('POST /v1/records', () => {
  it('appends a JSON array and returns the count; GET returns the records', async () => {
    const { url, store } = await start();
    const records = [rec('test_duration', 12.5, T0, { branch: 'main' }), rec('coverage_percent', 81, T0 + 1)];
    const res = await post(url, records);
    expect(res).toMatchObject({ status: 200, body: { appended: 2 } });
    expect(plain(await store.query())).toEqual(records);
    expect((await call(`${url}/v1/records`)).body).toEqual({ records });
    expect((await call(`${url}/v1/names`)).body).toEqual({ names: ['coverage_percent', 'test_duration'] });
  });

  it('accepts NDJSON, ISO timestamps, and stamps records without a timestamp with the server clock', async () => {
    const { url, store } = await start({ now: () => T0 + 5 });
    const body = '{"name":"a","value":1,"timestamp":"2026-02-01T00:00:00Z"}\r\n\n{"name":"b","value":2}\n';
    const res = await post(url, body, { 'content-type': 'application/x-ndjson' });
    expect(res).toMatchObject({ status: 200, body: { appended: 2 } });
    expect(plain(await store.query())).toEqual([rec('a', 1, T0), rec('b', 2, T0 + 5)]);
  });

  it('accepts an empty array as a no-op and a charset=utf-8 parameter', async () => {
    const { url, store } = await start();
    expect((await post(url, [], { 'content-type': 'application/json; charset=UTF-8' })).body).toEqual({ appended: 0 });
    expect(await store.names()).toEqual([]);
  });

  it('rejects malformed JSON with INVALID_JSON (400), storing nothing', async () => {
    const { url, store } = await start();
    expect(await rejects(url, store, '[{"name":"a","value":1},', 400, 'INVALID_JSON')).toMatch(/not valid JSON/);
    await rejects(url, store, '', 400, 'INVALID_JSON');
    const msg = await rejects(url, store, '{"name":"a","value":1}\n{"name":"b",\n', 400, 'INVALID_JSON', { 'content-type': 'application/x-ndjson' });
    expect(msg).toMatch(/line 2/);
  });

  it('rejects JSON of the wrong shape with INVALID_BODY, saying to wrap a single record', async () => {
    const { url, store } = await start();
    expect(await rejects(url, store, { name: 'a', value: 1 }, 400, 'INVALID_BODY')).toMatch(/wrap a single record in \[ \]/);
    await rejects(url, store, '"text"', 400, 'INVALID_BODY');
  });

  it('validates every record with learning before appending any: one bad record rejects the batch', async () => {
    const { url, store } = await start();
    const cases: [unknown, RegExp][] = [
      [[rec('ok', 1, T0), { name: 'test_duration', value: '12.5' }], /records\[1\]: metric "test_duration": value must be a number/],
      [[rec('ok', 1, T0), rec('ok', 2, T0), { name: '', value: 1 }], /records\[2\]: metric name must not be empty/],
      [[{ name: 'x', value: 1, timestamp: 'yesterday' }], /records\[0\].*timestamp/],
      [[{ name: 'x', value: 1, metadata: [1, 2] }], /metadata must be a plain object/],
      [[{ name: 'x', value: null }], /value must be a number/],
      [[42], /record must be an object/],
      [[{ name: 'x', value: 1, tags: ['a'] }], /records\[0\]: unknown field "tags"/],
      [[{ name: 'x'.repeat(201), value: 1 }], /at most 200 characters/],
      // Before: 'metric name must be a string, got undefined' (learning's validateRecord reads an array as a record).
      [[rec('ok', 1, T0), [rec('ok', 2, T0)]], /^records\[1\]: a record must be an object .*got an array; send one array of records/],
    ];
    for (const [body, message] of cases) expect(await rejects(url, store, body, 400, 'INVALID_RECORD')).toMatch(message);
  });

  it('names the line of a bad NDJSON record, not its index among the non-blank lines', async () => {
    // Before: 'records[1]: …' for line 4 of this body, which the sender had to work out past the blank lines.
    const { url, store } = await start();
    const ndjson = { 'content-type': 'application/x-ndjson' };
    const body = '{"name":"a","value":1}\n\n\n{"name":"a","value":"2"}\n';
    expect(await rejects(url, store, body, 400, 'INVALID_RECORD', ndjson)).toMatch(/^line 4 of the NDJSON body: metric "a": value must be a number/);
    expect(await rejects(url, store, '\r\n{"name":"a","value":1,"tags":[]}', 400, 'INVALID_RECORD', ndjson)).toMatch(/^line 2 of the NDJSON body: unknown field "tags"/);
    expect(await rejects(url, store, '[{"name":"a","value":1}]', 400, 'INVALID_RECORD', ndjson)).toMatch(/^line 1 of the NDJSON body: a record must be an object/);
  });

  it('rejects a body over maxBodyBytes with 413 PAYLOAD_TOO_LARGE, declared or streamed, and keeps serving', async () => {
    const { url, store } = await start({ maxBodyBytes: 1000 });
    const big = JSON.stringify(Array.from({ length: 50 }, (_, i) => rec('m', i, T0 + i)));
    expect(await rejects(url, store, big, 413, 'PAYLOAD_TOO_LARGE')).toMatch(/maxBodyBytes/);
    // Without Content-Length: the limit applies while the body streams in.
    const chunks = Array.from({ length: 200 }, () => ' '.repeat(1000));
    const streamed = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = chunks.pop();
        if (next === undefined) c.close();
        else c.enqueue(new TextEncoder().encode(next));
      },
    });
    const res = await call(`${url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: streamed, duplex: 'half' });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await store.query()).toEqual([]);
    expect((await post(url, [rec('m', 1, T0)])).status).toBe(200);
  });

  it('rejects other content types with 415 (text/plain would let any web page post cross-origin)', async () => {
    const { url, store } = await start();
    const body = JSON.stringify([rec('m', 1, T0)]);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1']) {
      const msg = await rejects(url, store, body, 415, 'UNSUPPORTED_MEDIA_TYPE', { 'content-type': type });
      expect(msg).toMatch(/application\/json|UTF-8/);
    }
    const res = await call(`${url}/v1/records`, { method: 'POST', body: new Uint8Array(Buffer.from(body)) });
    expect(res.status).toBe(415);
    expect(res.body.error.message).toMatch(/missing Content-Type/);
  });

  it('rejects a compressed body with 415 naming Content-Encoding, not as "not UTF-8"', async () => {
    const { url, store } = await start();
    const body = gzipSync(JSON.stringify([rec('m', 1, T0)]));
    for (const path of ['/v1/records', '/v1/query']) {
      const res = await call(url + path, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: new Uint8Array(body) });
      expect(res.status, path).toBe(415);
      expect(res.body.error).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringMatching(/Content-Encoding "gzip"/) });
    }
    expect((await post(url, [rec('m', 1, T0)], { 'content-encoding': 'identity' })).status).toBe(200);
    expect(await store.names()).toEqual(['m']);
  });

  it('rejects a body that is not UTF-8 with INVALID_BODY', async () => {
    const { url, store } = await start();
    const res = await call(`${url}/v1/records`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Uint8Array([0x5b, 0x22, 0xff, 0xfe, 0x22, 0x5d]),
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_BODY');
    expect(await store.query()).toEqual([]);
  });

  it('keeps hostile strings intact: lone surrogates, NUL, HTML', async () => {
    const { url, store } = await start();
    const records = [rec('x\uDC00', 1, 1, { s: '\u0000<script>alert(1)</script>', t: '\uD800' })];
    expect((await post(url, records)).status).toBe(200);
    expect(plain(await store.query())).toEqual(records);
    expect((await call(`${url}/v1/query`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x\uDC00' }) })).body).toEqual({ records });
  });
});

describe('authentication', () => {
  const token = 'correct-horse-battery-staple';

  it('needs the bearer token on every /v1 endpoint when one is set; a rejected post stores nothing', async () => {
    const { url, store } = await start({ token });
    const missing = await post(url, [rec('m', 1, 1)]);
    expect(missing.status).toBe(401);
    expect(missing.body.error.code).toBe('UNAUTHORIZED');
    expect(missing.body.error.message).toMatch(/Authorization: Bearer/);
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await post(url, [rec('m', 1, 1)], { authorization: 'Bearer wrong-token-123' })).status).toBe(401);
    expect((await post(url, [rec('m', 1, 1)], { authorization: `Basic ${token}` })).body.error.message).toMatch(/must be "Bearer <token>"/);
    for (const path of ['/v1/records', '/v1/names', '/v1/insights', '/v1/health', '/v1/events']) expect((await call(url + path)).status).toBe(401);
    expect(await store.query()).toEqual([]);
    expect((await post(url, [rec('m', 1, 1)], { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await call(`${url}/v1/names`, { headers: { authorization: `bearer ${token}` } })).body).toEqual({ names: ['m'] });
  });

  it('closes the connection after refusing a request whose body is still coming, instead of reading it all', async () => {
    // Before, a client without the token could declare any Content-Length (or stream chunks) and the server read
    // and discarded all of it after its 401: maxBodyBytes only bounded bodies that were accepted.
    const { url } = await start({ token, maxBodyBytes: 1000 });
    for (const [expected, headers] of [
      [401, ''],
      [415, `Authorization: Bearer ${token}\r\nContent-Type: text/plain\r\n`],
    ] as const) {
      const socket = connect(Number(new URL(url).port), '127.0.0.1');
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => (answer += d));
      socket.on('error', () => {});
      const closed = new Promise((r) => socket.on('close', r));
      socket.write(`POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\n${headers}Content-Length: 100000000\r\n\r\n${' '.repeat(10_000)}`);
      await closed; // never happened before the fix: the server waited for the other 99.99 MB
      expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${expected} `));
      expect(answer.toLowerCase()).toContain('connection: close');
    }
  });

  it('trades /?token= for a read-only session cookie: GETs work with it, writes do not', async () => {
    const { url, store } = await start({ token });
    expect((await call(`${url}/?token=nope-nope-nope`, { redirect: 'manual' })).status).toBe(401);
    const login = await fetch(`${url}/?token=${token}`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('./');
    const setCookie = login.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).not.toContain(token);
    const cookie = setCookie.split(';')[0]!;
    // Named per token (cookies are not per port: two collectors on one host must not replace each other's session).
    expect(cookie.startsWith(`${sessionCookieName(token)}=`)).toBe(true);
    expect(sessionCookieName(token)).not.toBe(sessionCookieName('another-token-123'));
    expect(sessionCookieName(token)).not.toContain(token);
    expect((await call(`${url}/v1/names`, { headers: { cookie } })).status).toBe(200);
    // A session issued under the old shared name keeps working.
    const legacy = `${SESSION_COOKIE}=${cookie.slice(cookie.indexOf('=') + 1)}`;
    expect((await call(`${url}/v1/names`, { headers: { cookie: legacy } })).status).toBe(200);
    expect((await post(url, [rec('m', 1, 1)], { cookie })).status).toBe(401);
    expect((await call(`${url}/v1/names`, { headers: { cookie: 'autodev_session=forged' } })).status).toBe(401);
    expect(await store.query()).toEqual([]);
  });

  it('the session cookie has a Max-Age the server enforces too, and is Secure with secureCookie (behind a TLS proxy)', async () => {
    const login = async (base: string) => (await fetch(`${base}/?token=${token}`, { redirect: 'manual' })).headers.get('set-cookie')!;
    const { url } = await start({ token });
    const plainCookie = await login(url);
    expect(plainCookie).toMatch(new RegExp(`; Max-Age=${DEFAULT_SESSION_MAX_AGE_SECONDS}(;|$)`));
    expect(plainCookie).not.toMatch(/Secure/); // plain HTTP, nothing said: a Secure cookie would never come back

    const { url: proxied } = await start({ token, secureCookie: true, sessionMaxAgeSeconds: 3600 });
    const secureCookie = await login(proxied);
    expect(secureCookie).toMatch(/; Max-Age=3600(;|$)/);
    expect(secureCookie).toMatch(/; Secure(;|$)/);
    expect((await call(`${proxied}/v1/names`, { headers: { cookie: secureCookie.split(';')[0]! } })).status).toBe(200);

    // The server refuses a cookie older than the max age (or from the future), whatever a browser keeps. The clock
    // (Date only) stands still meanwhile: the server's "now" is the test's, so a cookie issued 3599 s ago is not
    // 3600 s old by the time the server looks at it (with a running clock the requests crossed a second boundary
    // now and then, and the 3599 s cookie was refused).
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    try {
      const nowSeconds = Math.floor(Date.now() / 1000);
      for (const issued of [nowSeconds - 3600, nowSeconds + 3600]) {
        const stale = await call(`${proxied}/v1/names`, { headers: { cookie: `${SESSION_COOKIE}=${sessionValue(token, issued)}` } });
        expect(stale.status).toBe(401);
        expect(stale.body.error.message).toMatch(/session has expired or is not valid.*\?token=<token> again/);
      }
      expect((await call(`${proxied}/v1/names`, { headers: { cookie: `${SESSION_COOKIE}=${sessionValue(token, nowSeconds - 3599)}` } })).status).toBe(200);
      // Issued for another token: refused.
      expect((await call(`${proxied}/v1/names`, { headers: { cookie: `${SESSION_COOKIE}=${sessionValue('another-token-123', nowSeconds)}` } })).status).toBe(401);
    } finally {
      vi.useRealTimers();
    }

    for (const bad of [{ secureCookie: 'yes' }, { sessionMaxAgeSeconds: 0 }, { sessionMaxAgeSeconds: 1.5 }, { sessionMaxAgeSeconds: 401 * 24 * 3600 }]) {
      expect(() => createMetricsServer({ store: createMemoryStore(), token, ...(bad as object) })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
  });

  it('without a token, answers only to loopback Host names (DNS-rebinding guard); allowedHosts widens it', async () => {
    const { url } = await start();
    expect((await rawGet(url, '/v1/names', { host: `localhost:${new URL(url).port}` })).status).toBe(200);
    expect((await rawGet(url, '/v1/names', { host: '[::1]' })).status).toBe(200);
    const evil = await rawGet(url, '/v1/names', { host: 'evil.example:80' });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('FORBIDDEN_HOST');
    const other = await start({ allowedHosts: ['metrics.internal'] });
    expect((await rawGet(other.url, '/v1/names', { host: 'metrics.internal:8787' })).status).toBe(200);
    expect((await rawGet(other.url, '/v1/names', { host: 'localhost' })).status).toBe(403);
  });

  it('counts only real 127.0.0.0/8 addresses as loopback, and refuses a Host that is not name[:port]', async () => {
    // Before, 127.999.0.1 (no address at all) passed as loopback, and so did 'localhost:abc' and '[::1]x'.
    const { url } = await start();
    for (const host of ['127.0.0.1', '127.255.255.254:80', 'LOCALHOST', 'localhost:', '[::1]:8787'])
      expect((await rawGet(url, '/v1/health', { host })).status, host).toBe(200);
    for (const host of ['127.999.0.1', '127.0.0.256', '127.0.0.1.evil.example', 'localhost:abc', '[::1]x', '::1', 'localhost:80:80']) {
      const res = await rawGet(url, '/v1/health', { host });
      expect(res.status, host).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN_HOST');
    }
    expect(isLoopbackHost('127.999.0.1')).toBe(false);
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    await expect(createMetricsServer({ store: createMemoryStore() }).listen({ host: '127.999.0.1', port: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('allowedHosts entries match the way Host names do: case-insensitively, IPv6 with or without brackets', async () => {
    // Before, entries were compared as written against the lowercased Host name: 'Metrics.Internal' and '::1'
    // never matched, and every request got 403.
    const { url } = await start({ allowedHosts: ['Metrics.Internal', '::1'] });
    expect((await rawGet(url, '/v1/names', { host: 'metrics.internal:8787' })).status).toBe(200);
    expect((await rawGet(url, '/v1/names', { host: 'METRICS.internal' })).status).toBe(200);
    expect((await rawGet(url, '/v1/names', { host: '[::1]:8787' })).status).toBe(200);
    expect((await rawGet(url, '/v1/names', { host: 'other.internal' })).status).toBe(403);
    // A port can never match (the Host's port is not compared): say so instead of answering 403 to everything.
    for (const allowedHosts of [['metrics.internal:8787'], ['metrics internal'], ['[::1']]) {
      expect(() => createMetricsServer({ store: createMemoryStore(), allowedHosts })).toThrow(expect.objectContaining({ code: 'INVALID_OPTIONS' }));
    }
  });
});

describe('GET /v1/records', () => {
  const fixture = [
    rec('test_duration', 10, T0, { branch: 'main' }),
    rec('test_duration', 11, T0 + 1000, { branch: 'dev' }),
    rec('test_duration', 12, T0 + 2000, { branch: 'main' }),
    rec('build_time', 100, T0 + 1500, {}),
  ];
  const values = async (url: string, qs: string) => {
    const res = await call(`${url}/v1/records?${qs}`);
    expect(res.status).toBe(200);
    return (res.body.records as MetricRecord[]).map((r) => r.value);
  };

  it('filters by name, time range (epoch ms or ISO), metadata; orders and limits', async () => {
    const { url } = await start();
    await post(url, fixture);
    expect(await values(url, 'name=test_duration')).toEqual([10, 11, 12]);
    expect(await values(url, `from=${T0 + 1000}&to=${T0 + 2000}`)).toEqual([11, 100]);
    expect(await values(url, `name=test_duration&from=${encodeURIComponent(new Date(T0 + 1000).toISOString())}`)).toEqual([11, 12]);
    // The same instant with an offset instead of Z.
    const plus2 = `${new Date(T0 + 1000 + 2 * 3600_000).toISOString().slice(0, -1)}+02:00`;
    expect(await values(url, `name=test_duration&from=${encodeURIComponent(plus2)}`)).toEqual([11, 12]);
    expect(await values(url, `where=${encodeURIComponent('{"branch":"main"}')}`)).toEqual([10, 12]);
    expect(await values(url, 'name=test_duration&order=desc&limit=2')).toEqual([12, 11]);
    expect(await values(url, 'limit=0')).toEqual([]);
  });

  it('rejects bad parameters with 400 INVALID_QUERY naming the parameter', async () => {
    const { url } = await start();
    const cases: [string, RegExp][] = [
      ['limit=-1', /limit must be a whole number/],
      ['limit=1.5', /limit must be a whole number/],
      ['limit=ten', /limit must be a whole number/],
      ['order=sideways', /order must be "asc" or "desc"/],
      ['from=yesterday', /from must be epoch milliseconds or an ISO-8601 date/],
      // Date.parse alone took these as March 7 2001, January 1 2001, January 2 2026 and March 2 2026: a filter on a
      // date nobody meant, where the API promises a 400.
      ['from=March%207', /from must be epoch milliseconds or an ISO-8601 date such as 2026-01-31T12:00:00Z: "March 7" is not an ISO-8601 date/],
      ['from=Tue%201', /"Tue 1" is not an ISO-8601 date/],
      ['to=1%2F2%2F2026', /to must be epoch milliseconds or an ISO-8601 date/],
      ['to=2026-02-30', /2026-02-30 is not a calendar date \(2026-02 has 28 days\)/],
      // Without an offset Date.parse reads the server's time zone, not the caller's.
      ['from=2026-01-31T12%3A00%3A00', /2026-01-31T12:00:00 has no time zone, and the machine reading it may be in another one: add Z \(UTC\) or an offset such as \+02:00/],
      ['to=', /to must be epoch milliseconds/],
      // An offset typed as is: '+' is a space in a query string (before, the message did not say why it failed).
      ['from=2026-01-31T12:00:00+02:00', /"2026-01-31T12:00:00 02:00" is not .*; a "\+" in a URL is read as a space: write the offset as %2B02:00 \(or use Z\)$/],
      ['where=branch%3Dmain', /where must be a JSON object/],
      ['where=%5B%5D', /where must be an object/],
      ['where=null', /where must be an object/],
      ['nmae=test_duration', /unknown query parameter "nmae"; use name, from, to, order, limit, where/],
      ['name=a&name=b', /"name" is given more than once/],
    ];
    for (const [qs, message] of cases) {
      const res = await call(`${url}/v1/records?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(res.body.error.code).toBe('INVALID_QUERY');
      expect(res.body.error.message).toMatch(message);
    }
  });
});

describe('POST /v1/query', () => {
  it('takes a MetricQuery as JSON and validates it', async () => {
    const { url } = await start();
    await post(url, [rec('a', 1, 1, { k: [1] }), rec('a', 2, 2), rec('b', 3, 3)]);
    const q = (body: string, type = 'application/json') => call(`${url}/v1/query`, { method: 'POST', headers: { 'content-type': type }, body });
    expect((await q('{"name":"a","where":{"k":[1]}}')).body).toEqual({ records: [rec('a', 1, 1, { k: [1] })] });
    expect((await q('{}')).body.records).toHaveLength(3);
    expect((await q('{"limit":-1}')).body.error).toMatchObject({ code: 'INVALID_QUERY', message: expect.stringMatching(/limit/) });
    expect((await q('{"names":"a"}')).body.error).toMatchObject({ code: 'INVALID_QUERY', message: expect.stringMatching(/unknown query field "names"/) });
    expect((await q('[]')).body.error.code).toBe('INVALID_BODY');
    expect((await q('{')).body.error.code).toBe('INVALID_JSON');
    expect((await q('{}', 'application/x-ndjson')).status).toBe(415);
  });
});

describe('GET /v1/insights', () => {
  it("returns the learning engine's insights for the named metrics", async () => {
    const { url } = await start({ now: () => T0 });
    // 20 stable runs, then a 50% jump: a regression of a lower-is-better metric.
    const durations = Array.from({ length: 20 }, (_, i) => rec('test_duration', 10 + (i % 3) * 0.1, T0 + i * 1000));
    const jump = Array.from({ length: 5 }, (_, i) => rec('test_duration', 15 + (i % 2) * 0.1, T0 + (20 + i) * 1000));
    await post(url, [...durations, ...jump, rec('coverage_percent', 80, T0)]);
    const res = await call(`${url}/v1/insights?name=test_duration`);
    expect(res.status).toBe(200);
    const insights = res.body.insights as { kind: string; metric: string; confidence: number; description: string; suggestedAction: string }[];
    expect(insights.length).toBeGreaterThan(0);
    expect(insights.every((i) => i.metric === 'test_duration')).toBe(true);
    expect(insights.map((i) => i.kind)).toContain('regression');
    // minConfidence=0 also shows "need more data" for the metric with one point.
    const all = await call(`${url}/v1/insights?minConfidence=0`);
    expect(all.body.insights.some((i: { kind: string; metric: string }) => i.kind === 'insufficient-data' && i.metric === 'coverage_percent')).toBe(true);
    expect((await call(`${url}/v1/insights?name=missing`)).body).toEqual({ insights: [] });
  });

  it('applies the server insight options (budgets) and rejects bad parameters', async () => {
    const { url } = await start({ insights: { policy: { performance: { build_time_max: 300 } } } });
    await post(url, [rec('build_time', 120, T0), rec('build_time', 450, T0 + 1)]);
    const res = await call(`${url}/v1/insights?name=build_time`);
    expect(res.body.insights.map((i: { kind: string }) => i.kind)).toContain('budget-breach');
    // A bad name is the client's mistake (400 naming it), not an INTERNAL error logged as a server bug.
    const errors: unknown[] = [];
    const { url: strict } = await start({ onError: (e) => errors.push(e) });
    // Not a decimal number: Number() reads '0x1' and ' 1' as 1, which used to pass.
    for (const qs of ['minConfidence=2', 'minConfidence=', 'minConfidence=high', 'minConfidence=0x1', 'minConfidence=%201', 'metric=x', 'name=', `name=${'x'.repeat(201)}`, 'name=a%0Ab', 'name=ok&name=']) {
      const bad = await call(`${strict}/v1/insights?${qs}`);
      expect(bad.status, qs).toBe(400);
      expect(bad.body.error.code).toBe('INVALID_QUERY');
    }
    expect((await call(`${strict}/v1/insights?name=`)).body.error.message).toMatch(/name.*must not be empty/);
    expect(errors).toEqual([]);
  });
});

describe('routing and store failures', () => {
  it('404 for unknown endpoints, 405 with Allow for wrong methods', async () => {
    const { url } = await start();
    const nf = await call(`${url}/v1/recordz`);
    expect(nf.status).toBe(404);
    expect(nf.body.error).toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/\/v1\/records/) });
    expect((await call(`${url}/favicon.ico`)).status).toBe(404);
    const wrong = await call(`${url}/v1/names`, { method: 'DELETE' });
    expect(wrong.status).toBe(405);
    expect(wrong.body.error.code).toBe('METHOD_NOT_ALLOWED');
    expect(wrong.headers.get('allow')).toBe('GET, HEAD');
    expect((await call(`${url}/v1/records`, { method: 'PUT' })).headers.get('allow')).toBe('GET, HEAD, POST');
    expect((await call(`${url}/v1/query`, { method: 'GET' })).headers.get('allow')).toBe('POST');
    expect((await call(`${url}//v1/names`)).status).toBe(404);
    expect((await call(`${url}/v1/health`)).body).toEqual({ ok: true });
  });

  it('a request target that is not a URL is a 404 for the client, not an INTERNAL error logged as a server bug', async () => {
    const errors: unknown[] = [];
    const { url } = await start({ onError: (e) => errors.push(e) });
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (answer += d));
    const ended = new Promise((r) => socket.on('close', r));
    // Absolute-form target (RFC 9112 §3.2.2) that Node's parser lets through but `new URL` refuses.
    socket.end('GET http://[::1/v1/names HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    await ended;
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect(errors).toEqual([]);
  });

  it('passes store errors through (STORE_CLOSED → 503) and hides unexpected ones behind INTERNAL', async () => {
    const closed = createMemoryStore();
    await closed.close();
    const { url } = await start({ store: closed });
    const res = await post(url, [rec('m', 1, 1)]);
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('STORE_CLOSED');

    const errors: unknown[] = [];
    const broken: MetricStore = { ...createMemoryStore(), names: () => Promise.reject(new Error('secret detail')) };
    const b = await start({ store: broken, onError: (e) => errors.push(e) });
    const internal = await call(`${b.url}/v1/names`);
    expect(internal.status).toBe(500);
    expect(internal.body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(internal.body)).not.toContain('secret detail');
    expect(errors).toHaveLength(1);
  });

  it('reports a failing store (STORE_IO, STORE_CORRUPT) to onError as well as to the client', async () => {
    // Before, only INTERNAL errors reached onError: a full disk answered every agent with 500 STORE_IO and left
    // nothing in the collector's own log.
    const errors: unknown[] = [];
    const diskFull = new LearningError('STORE_IO', 'the disk holding metrics.jsonl is full');
    const corrupt = new LearningError('STORE_CORRUPT', 'metrics.jsonl line 7 is not JSON');
    const store: MetricStore = { ...createMemoryStore(), append: () => Promise.reject(diskFull), query: () => Promise.reject(corrupt) };
    const { url } = await start({ store, onError: (e) => errors.push(e) });
    const res = await post(url, [rec('m', 1, 1)]);
    expect(res.status).toBe(500);
    expect(res.body.error.code).toBe('STORE_IO');
    expect((await call(`${url}/v1/records`)).body.error.code).toBe('STORE_CORRUPT');
    expect(errors).toEqual([diskFull, corrupt]);
    // A store closed under the server (a shutdown in progress) is the client's 503, not an error to report.
    const closed = createMemoryStore();
    await closed.close();
    const c = await start({ store: closed, onError: (e) => errors.push(e) });
    expect((await call(`${c.url}/v1/names`)).status).toBe(503);
    expect(errors).toHaveLength(2);
  });

  it('an onError that throws still answers 500 INTERNAL and does not take the process down', async () => {
    // Before the fix the throw escaped as an unhandled rejection: the client never got an answer, and Node
    // (--unhandled-rejections=throw, the default) would have exited the collector.
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const consoleError = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const broken: MetricStore = { ...createMemoryStore(), names: () => Promise.reject(new Error('store bug')) };
      const { url } = await start({
        store: broken,
        onError: () => {
          throw new Error('the logger is down');
        },
      });
      const res = await call(`${url}/v1/names`, { signal: AbortSignal.timeout(5000) });
      expect(res.status).toBe(500);
      expect(res.body.error.code).toBe('INTERNAL');
      expect((await call(`${url}/v1/health`)).status).toBe(200);
      await new Promise((r) => setImmediate(r));
      expect(unhandled).toEqual([]);
      // The logger's own failure is not lost either.
      expect(consoleError).toHaveBeenCalledWith(expect.stringMatching(/onError threw/), expect.any(Error), expect.any(Error));
    } finally {
      process.off('unhandledRejection', onUnhandled);
      consoleError.mockRestore();
    }
  });

  it('a client that disconnects mid-body stores nothing and is not logged as a server error', async () => {
    const errors: unknown[] = [];
    const { url, store } = await start({ onError: (e) => errors.push(e) });
    const { port } = new URL(url);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write(`POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"name":"m","value":1}`);
    await new Promise((r) => setTimeout(r, 50));
    socket.destroy();
    // The server keeps serving; the half-sent batch is not stored.
    expect((await post(url, [rec('after', 1, 1)])).status).toBe(200);
    expect(await store.names()).toEqual(['after']);
    expect(errors).toEqual([]);
  });

  it('answers HEAD wherever it answers GET (RFC 9110 §9.1): headers only, and HEAD /v1/events opens no stream', async () => {
    const token = 'head-requests-token';
    const { url, server } = await start({ token });
    const auth = { authorization: `Bearer ${token}` };
    for (const path of ['/v1/health', '/v1/names', '/v1/records?limit=1', '/v1/insights']) {
      const res = await fetch(url + path, { method: 'HEAD', headers: auth });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(await res.text()).toBe('');
    }
    const events = await fetch(`${url}/v1/events`, { method: 'HEAD', headers: auth });
    expect(events.status).toBe(200);
    expect(events.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(await events.text()).toBe('');
    expect(server.subscribers).toBe(0);
    // The read-only session cookie reads with HEAD as with GET; a HEAD without credentials is still a 401.
    const cookie = (await fetch(`${url}/?token=${token}`, { redirect: 'manual' })).headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${url}/v1/names`, { method: 'HEAD', headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${url}/v1/names`, { method: 'HEAD' })).status).toBe(401);
  });

  it('sends nosniff and no-store on API responses', async () => {
    const { url } = await start();
    const res = await call(`${url}/v1/names`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });
});

describe('the dashboard page', () => {
  it('serves the page with a strict CSP, its script and style, and uPlot from node_modules', async () => {
    const { url } = await start();
    await post(url, [rec('<script>alert(1)</script>', 1, 1)]);
    const page = await fetch(`${url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/unsafe-inline/);
    const html = await page.text();
    // The page carries no data: names are fetched and rendered as text by the script.
    expect(html).not.toContain('alert(1)');
    expect(html).not.toMatch(/<script>/);
    const js = await (await fetch(`${url}/assets/dashboard.js`)).text();
    expect(js).not.toContain('innerHTML');
    expect(js).toContain('textContent');
    const uplot = await fetch(`${url}/assets/uPlot.iife.min.js`);
    expect(uplot.status).toBe(200);
    expect(uplot.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await uplot.text()).toContain('uPlot');
    expect((await fetch(`${url}/assets/uPlot.min.css`)).status).toBe(200);
    expect((await fetch(`${url}/assets/dashboard.css`)).status).toBe(200);
    expect((await call(`${url}/`, { method: 'POST' })).status).toBe(405);
  });
});

describe('createMetricsServer and listen options', () => {
  it('rejects bad options with INVALID_OPTIONS', () => {
    const store = createMemoryStore();
    const bad: unknown[] = [
      undefined,
      {},
      { store: {} },
      { store, token: 'short' },
      { store, token: 'has a space in it' },
      { store, maxBodyBytes: 0 },
      { store, maxBodyBytes: 1.5 },
      { store, allowedHosts: 'localhost' },
      { store, heartbeatMs: 1 },
      { store, insights: { minConfidence: 5 } },
      { store, insights: { policy: { performance: { test_duration_max: 'sixty' } } } },
    ];
    for (const options of bad) {
      let thrown: unknown;
      try {
        createMetricsServer(options as never);
      } catch (e) {
        thrown = e;
      }
      expect(isMetricsServerError(thrown), JSON.stringify(options)).toBe(true);
      expect((thrown as { code: string }).code).toBe('INVALID_OPTIONS');
    }
  });

  it('refuses a token that a header cannot carry the same way from every client (non-ASCII), saying what to use', async () => {
    // Before, 'pässwörd-123' was accepted: Node clients (Latin-1 headers) got in, curl (UTF-8) never did; and a token
    // of CJK characters could not be sent as a header by anyone.
    for (const token of ['pässwörd-123', '密码密码密码密码', 'tab\there-token', 'token-with-\u007f-del']) {
      expect(() => createMetricsServer({ store: createMemoryStore(), token }), token).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS', message: expect.stringMatching(/visible ASCII.*openssl rand -hex 32/) }),
      );
      expect(isUsableToken(token)).toBe(false);
    }
    expect(() => createMetricsServer({ store: createMemoryStore(), token: 'short' })).toThrow(expect.objectContaining({ message: expect.stringMatching(/\(got 5\)/) }));
    for (const token of ['abcdefgh', 'A1!#$%&*+-./:;<=>?@[]^_`{|}~', 'x'.repeat(64)]) expect(isUsableToken(token), token).toBe(true);
  });

  it('refuses a non-loopback interface without a token, and reports a port in use as LISTEN_FAILED', async () => {
    const store = createMemoryStore();
    await expect(createMetricsServer({ store }).listen({ host: '0.0.0.0', port: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS', message: expect.stringMatching(/token/) });
    await expect(createMetricsServer({ store }).listen({ port: -1 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(createMetricsServer({ store }).listen({ port })).rejects.toMatchObject({ code: 'LISTEN_FAILED', message: expect.stringMatching(/EADDRINUSE/) });
    } finally {
      blocker.close();
    }
    const s = createMetricsServer({ store, token: 'a-long-enough-token' });
    const url = await s.listen({ host: '0.0.0.0', port: 0 });
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    await expect(s.listen({ port: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await s.close();
    await s.close();
  });

  it('two listen() calls at once start one server, and close() during listen() leaves nothing listening', async () => {
    const store = createMemoryStore();
    const s = createMetricsServer({ store });
    const [first, second] = await Promise.allSettled([s.listen({ port: 0 }), s.listen({ port: 0 })]);
    expect(first.status).toBe('fulfilled');
    expect(second).toMatchObject({ status: 'rejected', reason: { code: 'INVALID_OPTIONS' } });
    await s.close();
    // Before the fix both resolved, and close() stopped only the second server: the first kept serving.
    await expect(fetch(`${(first as PromiseFulfilledResult<string>).value}/v1/health`)).rejects.toThrow();

    const free = createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', r));
    const port = (free.address() as AddressInfo).port;
    await new Promise((r) => free.close(r));
    const t = createMetricsServer({ store });
    const starting = t.listen({ port });
    await t.close();
    await expect(starting).rejects.toMatchObject({ code: 'LISTEN_FAILED', message: expect.stringMatching(/close\(\)/) });
    await expect(fetch(`http://127.0.0.1:${port}/v1/health`)).rejects.toThrow();
    expect(t.url).toBeUndefined();
  });

  it('close() resolves only once no request is still using the store, so closing the store next is safe', async () => {
    // Before, close() of a mounted handler resolved at once (and listen()'s after cutting connections at 2 s)
    // while a handler was still inside store.append: the documented `await server.close(); await store.close()`
    // then closed the store under it.
    const { inner, store, inAppend, release } = heldAppendStore();
    const metrics = createMetricsServer({ store });
    const own = await mount(metrics.handler);
    try {
      const url = own.url;
      const posted = post(url, [rec('m', 1, 1)]);
      await inAppend;
      let closed = false;
      const closing = metrics.close().then(() => (closed = true));
      await new Promise((r) => setImmediate(r));
      expect(closed).toBe(false);
      release();
      await closing;
      expect(await inner.names()).toEqual(['m']);
      expect((await posted).status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('close() of listen()\'s server: a request in flight is answered with Connection: close, so close() need not wait for the 2 s cut', async () => {
    // Before, the answer kept its connection alive; Node's server.close() had already closed the idle connections,
    // so this one stayed open, idle, until the 2 s cut: close() took 2 s however soon the request finished.
    const { store, inAppend, release } = heldAppendStore();
    const metrics = createMetricsServer({ store });
    const { port } = new URL(await metrics.listen({ port: 0 }));
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (answer += d));
    const ended = new Promise((r) => socket.once('close', r));
    const body = JSON.stringify([rec('m', 1, 1)]);
    // HTTP/1.1 without a Connection header: keep-alive unless the server says otherwise.
    socket.write(`POST /v1/records HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    await inAppend;
    const closing = metrics.close();
    release();
    await ended; // the server closed the connection after its answer (before, only the cut at 2 s did)
    await closing;
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer.toLowerCase()).toContain('\r\nconnection: close\r\n');
    expect(answer).toMatch(/\r\n\r\n\{"appended":1\}$/);
  });

  it('handler mounts in a server the caller owns', async () => {
    const store = createMemoryStore();
    const metrics = createMetricsServer({ store });
    const own = await mount(metrics.handler);
    try {
      const url = own.url;
      expect((await post(url, [rec('m', 1, 1)])).status).toBe(200);
      expect(await store.names()).toEqual(['m']);
    } finally {
      await metrics.close();
      await own.close();
    }
  });
});
