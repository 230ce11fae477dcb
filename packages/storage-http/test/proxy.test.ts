// Reaching a collector through an HTTP proxy: HTTP_PROXY / HTTPS_PROXY / NO_PROXY as curl reads them, the `proxy`
// option, CONNECT tunnels for https: and absolute-URI requests for http:, typed PROXY errors that say what to fix and
// never show the proxy's credentials. A real proxy (test/proxy-helpers.ts) in front of a real @autodev/server.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createMemoryStore, type MetricRecord } from '@autodev/learning';
import { createMetricsServer } from '@autodev/server';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openHttpStore, openStore } from '../src/index.js';
import { bypassesProxy } from '../src/proxy.js';
import { httpCause, rejection, startCollector, startRawServer } from './helpers.js';
import { selfSigned, startProxy, type TestProxyOptions } from './proxy-helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function collector(options: Parameters<typeof startCollector>[0] = {}) {
  const c = await startCollector(options);
  cleanups.push(c.stop);
  return c;
}

async function proxy(options: TestProxyOptions = {}) {
  const p = await startProxy(options);
  cleanups.push(() => p.close());
  return p;
}

/** A plain server with a handler of our own (for answers no collector gives), closed after the test. */
const rawServer = (handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> => startRawServer(handler, cleanups);

/**
 * An https: collector that only the proxy can find: its name `collector.test` resolves nowhere on this machine, as an
 * internal host behind a corporate proxy. The certificate is self-signed, so the test turns certificate checks off
 * while it runs (NODE_TLS_REJECT_UNAUTHORIZED, read at each TLS connection).
 */
async function httpsCollector(): Promise<{ url: string; records: () => Promise<MetricRecord[]> }> {
  const backing = createMemoryStore();
  const metrics = createMetricsServer({ store: backing, allowedHosts: ['collector.test'] });
  const server: HttpsServer = createHttpsServer(selfSigned('collector.test'), metrics.handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const before = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  cleanups.push(async () => {
    if (before === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = before;
    await metrics.close();
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    await backing.close();
  });
  return { url: `https://collector.test:${(server.address() as AddressInfo).port}`, records: () => backing.query() };
}

/** Everything an error carries that could end up in a log: messages, stack and fields, down its cause chain. */
function everything(e: unknown): string {
  const parts: string[] = [];
  for (let c = e as (Error & { cause?: unknown }) | undefined, depth = 0; c !== undefined && c !== null && depth < 5; c = c.cause as typeof c, depth++) {
    parts.push(c.message, c.stack ?? '', JSON.stringify(c, Object.getOwnPropertyNames(c)));
  }
  return parts.join('\n');
}

const rec = (name: string, value: number, timestamp: number): MetricRecord => ({ name, value, timestamp, metadata: {} });
const TOKEN = 'proxy-test-token';

describe('through a proxy from the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY)', () => {
  it('HTTP_PROXY: an http: collector is asked through the proxy with absolute-URI requests; token and records arrive', async () => {
    const { url, backing } = await collector({ token: TOKEN });
    const p = await proxy();
    const store = await openStore(url, { HTTP_PROXY: p.url, AUTODEV_TOKEN: TOKEN });
    expect(store.proxy).toBe(p.url);
    await store.append([rec('m', 1, 1), rec('m', 2, 2)]);
    expect(await store.names()).toEqual(['m']);
    expect(await store.query({ name: 'm' })).toHaveLength(2);
    await store.close();
    expect(p.forwards).toEqual([`GET ${url}/v1/health`, `POST ${url}/v1/records`, `GET ${url}/v1/names`, `POST ${url}/v1/query`]);
    expect(p.connects).toEqual([]);
    expect(p.auth).toEqual([undefined, undefined, undefined, undefined]);
    expect(await backing.query()).toEqual([rec('m', 1, 1), rec('m', 2, 2)]);
    // close() let go of the kept-alive connection to the proxy.
    await vi.waitFor(() => expect(p.open).toBe(0));
  });

  it('HTTPS_PROXY: an https: collector only the proxy can resolve is reached through a CONNECT tunnel, with the URL\'s credentials', async () => {
    const c = await httpsCollector();
    const p = await proxy({ credentials: 'ci@corp:p:ss word', names: ['collector.test'] });
    const store = await openStore(c.url, { HTTPS_PROXY: `http://ci%40corp:p%3Ass%20word@127.0.0.1:${new URL(p.url).port}` });
    expect(store.proxy).toBe(p.url); // no credentials
    await store.append([rec('tunnelled', 1, 1)]);
    await store.close();
    expect(p.connects).toEqual([`collector.test:${new URL(c.url).port}`]); // one tunnel, kept alive for both requests
    expect(p.auth).toEqual([`Basic ${Buffer.from('ci@corp:p:ss word').toString('base64')}`]);
    expect(p.forwards).toEqual([]);
    expect(await c.records()).toEqual([rec('tunnelled', 1, 1)]);
  });

  it('reads the lowercase variable first, counts an empty one as unset, and never uses HTTPS_PROXY for an http: collector', async () => {
    const { url } = await collector();
    const used = await proxy();
    const other = await proxy();
    const cases: [Record<string, string>, typeof used | undefined][] = [
      [{ http_proxy: used.url, HTTP_PROXY: other.url }, used],
      [{ http_proxy: '', HTTP_PROXY: used.url }, used],
      [{ http_proxy: `  ${used.url}  ` }, used],
      [{ HTTPS_PROXY: other.url, https_proxy: other.url }, undefined],
      [{ HTTP_PROXY: '' }, undefined],
    ];
    for (const [env, expected] of cases) {
      const before = [used.forwards.length, other.forwards.length];
      const store = await openStore(url, env);
      await store.append([rec('m', 1, 1)]);
      await store.close();
      expect([used.forwards.length - before[0]!, other.forwards.length - before[1]!], JSON.stringify(env)).toEqual(expected === used ? [2, 0] : [0, 0]);
      expect(store.proxy).toBe(expected?.url);
    }
  });

  it('NO_PROXY sends the collector direct when it names its host (curl rules), and through the proxy otherwise', async () => {
    const { url } = await collector();
    const port = new URL(url).port;
    const p = await proxy();
    const direct = ['127.0.0.1', 'localhost,127.0.0.1', '*', '127.0.0.0/8', `127.0.0.1:${port}`, ' metrics.example , 127.0.0.1 '];
    const proxied = ['127.0.0.2', '127.0.0.1:1', 'example.com', '0.0.1', '.0.0.1', '10.0.0.0/8'];
    for (const noProxy of [...direct, ...proxied]) {
      const before = p.forwards.length;
      for (const name of ['NO_PROXY', 'no_proxy']) {
        const store = await openStore(url, { HTTP_PROXY: p.url, [name]: noProxy });
        await store.names();
        await store.close();
      }
      expect(p.forwards.length - before, noProxy).toBe(direct.includes(noProxy) ? 0 : 4);
    }
  });

  it('openHttpStore reads process.env; the proxy option wins over it: a URL whatever NO_PROXY says, false to go direct', async () => {
    const { url } = await collector();
    const fromEnv = await proxy();
    const chosen = await proxy();
    const saved = { HTTP_PROXY: process.env.HTTP_PROXY, NO_PROXY: process.env.NO_PROXY };
    cleanups.push(() => {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    });
    process.env.HTTP_PROXY = fromEnv.url;
    const viaEnv = await openHttpStore({ url });
    await viaEnv.close();
    expect(fromEnv.forwards).toHaveLength(1);
    process.env.NO_PROXY = '*';
    const viaOption = await openHttpStore({ url, proxy: chosen.url });
    await viaOption.close();
    expect(chosen.forwards).toHaveLength(1);
    delete process.env.NO_PROXY;
    const direct = await openHttpStore({ url, proxy: false });
    expect(direct.proxy).toBeUndefined();
    await direct.close();
    expect([fromEnv.forwards.length, chosen.forwards.length]).toEqual([1, 1]);
  });
});

describe('the store\'s guarantees hold through a proxy', () => {
  it('a process that recorded through a proxy exits by itself: the kept-alive proxy connection does not hold it open', async () => {
    // As through Node's global agent: a CLI run that never calls close() must still end (http: and https: collectors).
    const { url } = await collector();
    const c = await httpsCollector();
    const p = await proxy({ names: ['collector.test'] });
    const dir = await mkdtemp(join(tmpdir(), 'autodev-proxy-exit-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const script = join(dir, 'record.mts');
    const entry = fileURLToPath(new URL('../src/index.ts', import.meta.url));
    await writeFile(
      script,
      `import { openHttpStore } from ${JSON.stringify(entry)};
for (const url of process.argv.slice(2)) {
  const store = await openHttpStore({ url, proxy: ${JSON.stringify(p.url)} });
  await store.append([{ name: 'm', value: 1, timestamp: 1, metadata: {} }]);
}
console.log('recorded'); // and no close(): the process must end anyway
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script, url, c.url], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    // 'close', not 'exit': at 'exit' the pipes may still hold the end of what it printed.
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect({ code, out: out.replace(/^.*NODE_TLS_REJECT_UNAUTHORIZED.*\n|^\(Use `node --trace-warnings.*\n/gm, '') }).toEqual({ code: 0, out: 'recorded\n' });
    expect([p.forwards.length, p.connects]).toEqual([2, [`collector.test:${new URL(c.url).port}`]]);
    expect(await c.records()).toEqual([rec('m', 1, 1)]);
  });

  it('redirects are not followed, maxResponseBytes applies, and an append needs its "appended" count', async () => {
    const url = await rawServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.setHeader('content-type', 'application/json');
        if (req.url === '/v1/health') return res.end('{"ok":true}');
        if (req.url === '/v1/records') return res.end('{"appended":0}');
        if (req.url === '/v1/names') {
          res.writeHead(302, { location: '/elsewhere/v1/names' });
          return res.end();
        }
        res.write('{"records":['); // chunked: the size shows only while reading
        for (let i = 0; i < 50; i++) res.write(`${i ? ',' : ''}{"name":"m","value":1,"timestamp":1,"metadata":{"pad":"${'x'.repeat(100)}"}}`);
        res.end(']}');
      });
    });
    const p = await proxy();
    const store = await openHttpStore({ url, proxy: p.url, maxResponseBytes: 1000 });
    expect(httpCause(await rejection(store.append([rec('m', 1, 1)]), 'STORE_IO'))).toMatchObject({ code: 'BAD_RESPONSE', proxy: p.url });
    expect(httpCause(await rejection(store.query(), 'STORE_IO'))).toMatchObject({ code: 'RESPONSE_TOO_LARGE', status: 200 });
    const redirected = await rejection(store.names(), 'STORE_IO');
    expect(httpCause(redirected)).toMatchObject({ code: 'HTTP_STATUS', status: 302 });
    expect(redirected.message).toMatch(/redirects are not followed/);
    await store.close();
    expect(p.forwards.filter((f) => f.includes('elsewhere'))).toEqual([]);
  });
});

describe('a proxy that fails gives a PROXY error that says what to fix, without its credentials', () => {
  const SECRET = 's3cret-Pa55';

  it('407 to a CONNECT: credentials missing, or refused (the message never shows them)', async () => {
    const c = await httpsCollector();
    const p = await proxy({ credentials: 'agent:the-right-one' });
    const port = new URL(p.url).port;
    const missing = await rejection(openStore(c.url, { HTTPS_PROXY: p.url }), 'STORE_IO');
    expect(httpCause(missing)).toMatchObject({ code: 'PROXY', status: 407, proxy: p.url, method: 'GET', url: `${c.url}/v1/health` });
    expect(missing.message).toMatch(
      new RegExp(`the proxy http://127\\.0\\.0\\.1:${port} \\(from HTTPS_PROXY\\) answered 407: it requires authentication; put its credentials in the proxy URL \\(http://user:password@127\\.0\\.0\\.1:${port}, percent-encoded\\)`),
    );
    const wrong = await rejection(openStore(c.url, { https_proxy: `http://agent:${SECRET}@127.0.0.1:${port}` }), 'STORE_IO');
    expect(httpCause(wrong)).toMatchObject({ code: 'PROXY', status: 407 });
    expect(wrong.message).toMatch(/\(from https_proxy\) answered 407: it refused the credentials in the proxy URL; check the user and password/);
    expect(everything(wrong)).not.toContain(SECRET);
    expect(everything(wrong)).not.toContain(Buffer.from(`agent:${SECRET}`).toString('base64'));
    expect(p.connects).toEqual([]); // refused: no tunnel, and nothing (no token) went past the proxy
  });

  it('407 to an absolute-URI request (http: collector), through the proxy option', async () => {
    const { url } = await collector({ token: TOKEN });
    const p = await proxy({ refuse: 407 });
    const e = await rejection(openHttpStore({ url, token: TOKEN, proxy: `http://agent:${SECRET}@127.0.0.1:${new URL(p.url).port}` }), 'STORE_IO');
    expect(httpCause(e)).toMatchObject({ code: 'PROXY', status: 407, proxy: p.url });
    expect(e.message).toMatch(/\(from the proxy option\) answered 407: it refused the credentials/);
    expect(everything(e)).not.toContain(SECRET);
  });

  it('502 (it could not reach the collector) and 403 (its rules) say to check the URL or to bypass the proxy', async () => {
    const { url } = await collector();
    const host = new URL(url).host;
    const gateway = await proxy({ refuse: 502 });
    const http502 = await rejection(openStore(url, { HTTP_PROXY: gateway.url }), 'STORE_IO');
    expect(httpCause(http502)).toMatchObject({ code: 'PROXY', status: 502 });
    expect(http502.message).toMatch(new RegExp(`answered 502: it could not reach the collector at ${host.replace(/\./g, '\\.')}; check the collector URL, or, if this machine reaches the collector directly, add 127\\.0\\.0\\.1 to NO_PROXY`));

    const c = await httpsCollector();
    const connect502 = await rejection(openStore(c.url, { HTTPS_PROXY: gateway.url }), 'STORE_IO');
    expect(httpCause(connect502)).toMatchObject({ code: 'PROXY', status: 502 });
    expect(connect502.message).toMatch(/it could not reach the collector at collector\.test:\d+; .*add collector\.test to NO_PROXY/);

    const rules = await proxy({ refuse: 403 });
    const forbidden = await rejection(openHttpStore({ url: c.url, proxy: rules.url }), 'STORE_IO');
    expect(httpCause(forbidden)).toMatchObject({ code: 'PROXY', status: 403 });
    expect(forbidden.message).toMatch(/refused the request to collector\.test:\d+ with 403 Forbidden: its rules may not allow that host or port; ask its administrators, or, .*pass proxy: false/);
  });

  it('a proxy that is not there: PROXY with the system error, not a NETWORK error blaming the collector', async () => {
    const { url } = await collector();
    const gone = await proxy();
    await gone.close();
    for (const target of [url, 'https://collector.test:1']) {
      const e = await rejection(openHttpStore({ url: target, proxy: `http://agent:${SECRET}@127.0.0.1:${new URL(gone.url).port}` }), 'STORE_IO');
      const cause = httpCause(e);
      expect(cause, target).toMatchObject({ code: 'PROXY', status: undefined, proxy: gone.url });
      expect(e.message).toMatch(/could not reach the proxy http:\/\/127\.0\.0\.1:\d+ \(from the proxy option\): ECONNREFUSED; check the proxy's address/);
      expect(everything(e)).not.toContain(SECRET);
    }
  });

  it('a proxy that accepts the connection and never answers CONNECT: TIMEOUT saying nothing reached the collector, and its connection is closed', async () => {
    // Before: the store rejected with TIMEOUT, but the socket to the proxy (still waiting for the CONNECT answer)
    // stayed open, and with it the process (a CLI run hung until the proxy dropped the connection).
    const accepted: Socket[] = [];
    const silent = createTcpServer((socket) => {
      socket.on('error', () => {});
      socket.resume(); // reads the CONNECT request, answers nothing
      accepted.push(socket);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const s of accepted) s.destroy();
      return new Promise<void>((r) => silent.close(() => r()));
    });
    const proxyUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const e = await rejection(openHttpStore({ url: 'https://collector.test:1', proxy: proxyUrl, timeoutMs: 200 }), 'STORE_IO');
    expect(httpCause(e)).toMatchObject({ code: 'TIMEOUT', proxy: proxyUrl });
    expect(e.message).toMatch(
      /got no answer within 200 ms: http:\/\/127\.0\.0\.1:\d+ \(from the proxy option\) did not let the request through in that time .*so nothing reached the collector; check the proxy, or, .* pass proxy: false/,
    );
    expect(accepted).toHaveLength(1);
    // The proxy sees its client go away (on the old code this never happened and the test timed out).
    const proxySide = accepted[0]!;
    if (!proxySide.closed) await new Promise((r) => proxySide.once('close', r));
    expect(proxySide.closed).toBe(true);
  });

  it('a proxy URL that is not one is refused at open with INVALID_ARGUMENT naming where it came from, never its text', async () => {
    const url = 'http://127.0.0.1:1'; // never reached
    const cases: [Promise<unknown>, RegExp][] = [
      [openHttpStore({ url, proxy: `socks5://agent:${SECRET}@proxy.example:1080` }), /^the proxy option: socks5 proxies are not supported; use an http:\/\/ or https:\/\/ proxy URL/],
      [openHttpStore({ url, proxy: `http://agent:${SECRET}@` }), /^the proxy option is not a proxy URL; use an http:\/\/ or https:\/\/ proxy URL such as/],
      [openHttpStore({ url, proxy: `http://agent:${SECRET}%zz@proxy.example:3128` }), /the proxy credentials are not valid percent-encoding/],
      [openHttpStore({ url, proxy: 3128 as never }), /^proxy must be a proxy URL such as "http:\/\/proxy\.example:3128", or false to go direct; got number/],
      [openHttpStore({ url, proxy: true as never }), /got boolean/],
      [openStore(url, { HTTP_PROXY: `ftp://agent:${SECRET}@proxy.example` }), /^HTTP_PROXY: ftp proxies are not supported/],
      [openStore(url, { http_proxy: `http://[agent:${SECRET}` }), /^http_proxy is not a proxy URL/],
    ];
    for (const [attempt, message] of cases) {
      const e = await rejection(attempt, 'INVALID_ARGUMENT');
      expect(e.message).toMatch(message);
      expect(everything(e)).not.toContain(SECRET);
    }
    // A proxy URL without a scheme is http://, as curl reads it.
    const { url: real } = await collector();
    const p = await proxy();
    const store = await openStore(real, { HTTP_PROXY: new URL(p.url).host });
    expect(store.proxy).toBe(p.url);
    await store.close();
    expect(p.forwards).toHaveLength(1);
  });
});

describe('NO_PROXY matching (curl rules)', () => {
  const cases: [string, string, boolean][] = [
    // [collector URL, NO_PROXY, goes direct]
    ['https://metrics.corp.example', 'corp.example', true], // a name matches the hosts under it
    ['https://metrics.corp.example', '.corp.example', true],
    ['https://metrics.corp.example', '*.corp.example', true],
    ['https://corp.example', '.corp.example', true], // and itself
    ['https://badcorp.example', 'corp.example', false], // on a label boundary only
    ['https://metrics.corp.example', 'metrics.corp.example.', true],
    ['https://METRICS.Corp.Example.', 'metrics.corp.example', true], // without case, trailing dot ignored
    ['https://metrics.corp.example', 'other.example, corp.example', true],
    ['https://metrics.corp.example', 'other.example\tcorp.example', true],
    ['https://metrics.corp.example', '', false],
    ['https://metrics.corp.example', ',,', false],
    ['https://metrics.corp.example', '*', true],
    ['https://metrics.corp.example', 'corp.*', false], // `*` only alone or as a leading label
    ['https://metrics.corp.example:8443', 'corp.example:8443', true], // a port limits the entry to that port
    ['https://metrics.corp.example:8443', 'corp.example:443', false],
    ['https://metrics.corp.example', 'corp.example:443', true], // the scheme's default port
    ['http://metrics.corp.example', 'corp.example:80', true],
    ['http://10.1.2.3:8787', '10.1.2.3', true],
    ['http://10.1.2.3:8787', '10.0.0.0/8', true],
    ['http://11.1.2.3:8787', '10.0.0.0/8', false],
    ['http://10.1.2.3:8787', '2.3', false], // addresses match by value, not by suffix
    ['http://10.1.2.3:8787', '10.0.0.0/40', false], // a prefix out of range matches nothing
    ['http://[::1]:8787', '::1', true],
    ['http://[::1]:8787', '[::1]', true],
    ['http://[::1]:8787', '[0:0::1]:8787', true],
    ['http://[::1]:8787', '[::1]:1', false],
    ['http://[fd00::5]:8787', 'fd00::/8', true],
    ['http://[fd00::5]:8787', '10.0.0.0/8', false],
    ['http://localhost:8787', '127.0.0.1', false], // no name resolution: localhost is a name
    ['http://127.0.0.1:8787', 'localhost', false],
  ];
  it.each(cases)('%s with NO_PROXY=%j: direct %s', (url, noProxy, direct) => {
    expect(bypassesProxy(new URL(url), noProxy)).toBe(direct);
  });
});
