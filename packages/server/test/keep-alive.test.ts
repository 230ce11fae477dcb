// Node's clients close an idle kept-alive connection after 5 s (http.globalAgent's timeout) and Node's server did
// too: an agent appending about every 5 s could send on a socket the server was closing and get ECONNRESET. The
// collector now keeps idle connections for 65 s, so the client is always the side that closes first.
import { Agent, get, globalAgent, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { start } from './helpers.js';

function health(url: string, agent: Agent): Promise<{ status: number; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const req = get(new URL('/v1/health', url), { agent }, (res: IncomingMessage) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket }));
    });
    req.on('error', reject);
  });
}

describe('kept-alive connections', () => {
  it('stay open longer than a Node client keeps them idle (the server used to close them at the same 5 s)', async () => {
    expect((globalAgent as Agent & { options: { timeout?: number } }).options.timeout).toBe(5000); // the client side of the race, as Node 20 ships it
    const { url } = await start();
    // A client that would keep its idle socket for 10 s: it reuses it unless the server closed it first.
    const agent = new Agent({ keepAlive: true, timeout: 10_000 });
    try {
      expect(await health(url, agent)).toEqual({ status: 200, reused: false });
      await new Promise((r) => setTimeout(r, 5500));
      expect(await health(url, agent)).toEqual({ status: 200, reused: true });
    } finally {
      agent.destroy();
    }
  }, 15_000);
});
