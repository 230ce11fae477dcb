// Requests Node's HTTP parser refuses before any handler runs (not HTTP, headers too large, too slow) get the API's
// JSON error body, not Node's bare status line.
import { createServer, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HTTP_STATUS } from '../src/index.js';
import { answerClientError } from '../src/internal/client-error.js';
import { start } from './helpers.js';

/** Sends raw bytes, each part once the server answered the one before it, and reads until it closes the connection. */
function raw(url: string, ...parts: string[]): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
      const next = parts.shift();
      if (next !== undefined) socket.write(next);
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.write(parts.shift()!);
  });
}

/** Status line, headers (lowercased names) and JSON body of a raw answer. */
function parse(answer: string) {
  const [head = '', body = ''] = answer.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { statusLine, headers, body: JSON.parse(body) as { error: { code: string; message: string } } };
}

describe("Node's parser errors", () => {
  it('a request that is not HTTP is 400 MALFORMED_REQUEST in the JSON error shape, not reported to onError', async () => {
    const errors: unknown[] = [];
    const { url } = await start({ onError: (e) => errors.push(e) });
    const answer = parse(await raw(url, 'HELLO THERE\r\n\r\n'));
    expect(answer.statusLine).toBe('HTTP/1.1 400 Bad Request');
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers.connection).toBe('close');
    expect(answer.body.error.code).toBe('MALFORMED_REQUEST');
    expect(answer.body.error.message).toMatch(/not valid HTTP\/1\.1 \(HPE_/);
    expect(HTTP_STATUS.MALFORMED_REQUEST).toBe(400);
    expect(errors).toEqual([]);
  });

  it('headers over 16 KB are 431 HEADERS_TOO_LARGE', async () => {
    const { url } = await start();
    const answer = parse(await raw(url, `GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`));
    expect(answer.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(answer.body.error).toMatchObject({ code: 'HEADERS_TOO_LARGE', message: expect.stringMatching(/headers are larger/) });
  });

  it('a URL over the limit is 431 too, and the message says where a long query goes', async () => {
    // Before, the message spoke only of headers ("send fewer or shorter headers") to a client whose where= was long.
    const { url } = await start();
    const where = encodeURIComponent(JSON.stringify({ branch: 'x'.repeat(20_000) }));
    const answer = parse(await raw(url, `GET /v1/records?where=${where} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`));
    expect(answer.statusLine).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(answer.body.error).toMatchObject({ code: 'HEADERS_TOO_LARGE', message: expect.stringMatching(/shorter URL \(a long query goes in the body of POST \/v1\/query\)/) });
  });

  it('a malformed request after a complete answer on the same (kept-alive) connection still gets its JSON error', async () => {
    const { url } = await start();
    const answer = await raw(url, 'GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'BROKEN\r\n\r\n');
    const second = answer.slice(answer.indexOf('HTTP/1.1', 1));
    expect(answer.startsWith('HTTP/1.1 200 OK')).toBe(true);
    expect(parse(second).body.error.code).toBe('MALFORMED_REQUEST');
  });

  it('writes nothing into an answer already under way on the connection (pipelined garbage): the connection is just closed', async () => {
    const { url } = await start();
    const answer = await raw(url, 'GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nBROKEN\r\n\r\n');
    expect(answer.startsWith('HTTP/1.1 200 OK')).toBe(true);
    expect(answer.endsWith('\r\n\r\n{"ok":true}')).toBe(true);
  });

  it('a request that does not arrive in full within the server timeout is 408 REQUEST_TIMEOUT', async () => {
    // listen() keeps Node's timeouts (headers 60 s, request 300 s): the listener is tried on a server with short ones.
    const own = createServer({ headersTimeout: 200, requestTimeout: 200, connectionsCheckingInterval: 50 }, (_req, res) => res.end());
    own.on('clientError', answerClientError(new WeakMap<object, ServerResponse>()));
    await new Promise<void>((r) => own.listen(0, '127.0.0.1', r));
    try {
      const answer = parse(await raw(`http://127.0.0.1:${(own.address() as AddressInfo).port}`, 'GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n'));
      expect(answer.statusLine).toBe('HTTP/1.1 408 Request Timeout');
      expect(answer.body.error.code).toBe('REQUEST_TIMEOUT');
    } finally {
      own.closeAllConnections();
      await new Promise((r) => own.close(r));
    }
  });
});
