// `Expect: 100-continue`: the client waits for `100 Continue` before sending the body. The server sends it only once
// it wants the body (token, type and declared size checked), so a refused request never has its body sent.
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createMemoryStore } from '@autodev/learning';
import { describe, expect, it } from 'vitest';
import { createMetricsServer } from '../src/index.js';
import { start } from './helpers.js';

const token = 'expect-continue-token';

/**
 * Sends a POST with `Expect: 100-continue` and its body only after a `100 Continue` (as curl does for large bodies),
 * and resolves with everything the server sent once it closes the connection (`Connection: close`).
 */
function postExpecting(url: string, body: string, headers = '', contentType = 'application/json'): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    let sent = false;
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
      if (!sent && text.startsWith('HTTP/1.1 100 Continue\r\n\r\n')) {
        sent = true;
        socket.write(body);
      }
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
    socket.write(
      `POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: ${contentType}\r\n${headers}` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nExpect: 100-continue\r\n\r\n`,
    );
  });
}

const continues = (answer: string) => answer.split('HTTP/1.1 100 Continue\r\n\r\n').length - 1;
const finalStatus = (answer: string) => /HTTP\/1\.1 (\d{3}) (?!Continue)/.exec(answer)?.[1];
const batch = (n: number) => JSON.stringify(Array.from({ length: n }, (_, i) => ({ name: 'm', value: i, timestamp: 1e12 + i })));

describe('Expect: 100-continue', () => {
  it('a body over maxBodyBytes gets 413 without a 100 Continue first, and nothing is stored', async () => {
    // Before, Node answered 100 Continue up front: the client sent the whole body, only to be told 413.
    const { url, store } = await start({ maxBodyBytes: 1000 });
    const answer = await postExpecting(url, batch(100));
    expect(continues(answer)).toBe(0);
    expect(finalStatus(answer)).toBe('413');
    expect(answer).toContain('"code":"PAYLOAD_TOO_LARGE"');
    expect(await store.query()).toEqual([]);
  });

  it('a request without the token, or of the wrong type, is refused before 100 Continue', async () => {
    const { url, store } = await start({ token });
    const unauthorized = await postExpecting(url, batch(1));
    expect(continues(unauthorized)).toBe(0);
    expect(finalStatus(unauthorized)).toBe('401');
    const wrongType = await postExpecting(url, batch(1), `Authorization: Bearer ${token}\r\n`, 'text/plain');
    expect(continues(wrongType)).toBe(0);
    expect(finalStatus(wrongType)).toBe('415');
    expect(await store.query()).toEqual([]);
  });

  it('a wanted body gets exactly one 100 Continue, then is stored', async () => {
    const { url, store } = await start({ token, maxBodyBytes: 100_000 });
    const answer = await postExpecting(url, batch(3), `Authorization: Bearer ${token}\r\n`);
    expect(continues(answer)).toBe(1);
    expect(finalStatus(answer)).toBe('200');
    expect(answer).toContain('{"appended":3}');
    expect(await store.query()).toHaveLength(3);
  });

  it("a mounted handler: routed from the caller's checkContinue it decides too; without that listener Node's one 100 stays the only one", async () => {
    for (const routed of [true, false]) {
      const store = createMemoryStore();
      const server = createMetricsServer({ store, maxBodyBytes: 1000 });
      const own = createServer(server.handler);
      if (routed) own.on('checkContinue', server.handler);
      await new Promise<void>((r) => own.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(own.address() as AddressInfo).port}`;
      try {
        const ok = await postExpecting(url, batch(2));
        expect(continues(ok)).toBe(1);
        expect(finalStatus(ok)).toBe('200');
        const tooLarge = await postExpecting(url, batch(100));
        expect(continues(tooLarge)).toBe(routed ? 0 : 1);
        expect(finalStatus(tooLarge)).toBe('413');
        expect(await store.query()).toHaveLength(2);
      } finally {
        await server.close();
        own.closeAllConnections();
        await new Promise((r) => own.close(r));
      }
    }
  });
});
