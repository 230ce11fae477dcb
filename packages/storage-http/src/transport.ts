import { request as httpRequest, type Agent, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { CONNECT_SIGNAL } from './proxy.js';

/** One request as the store sends it. */
export interface Exchange {
  method: 'GET' | 'POST';
  url: URL;
  headers: Readonly<Record<string, string>>;
  /** A JSON text, sent as UTF-8 with its byte length. */
  body?: string;
  /** For the whole exchange, answer body included. */
  timeoutMs: number;
  /** Largest answer body read; a larger one is cut off (the connection is dropped). */
  maxResponseBytes: number;
  /** A proxy's agent (see proxy.ts); Node's global agent when absent. */
  agent?: Agent;
}

/** A complete answer, whatever its status. */
export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** Why no complete answer came. The store turns it into an `HttpStoreError` of the same code. */
export class TransportError extends Error {
  constructor(
    readonly code: 'TIMEOUT' | 'NETWORK' | 'RESPONSE_TOO_LARGE' | 'PROXY',
    /**
     * For NETWORK: the system error code (`ECONNREFUSED`...) or what happened. For PROXY: the proxy's refusal of the
     * CONNECT tunnel (`407 Proxy Authentication Required`, with `status`) or why it could not be reached.
     */
    readonly reason: string,
    options?: ErrorOptions & { status?: number; unsent?: boolean },
  ) {
    super(reason, options);
    this.status = options?.status;
    this.unsent = options?.unsent ?? false;
  }
  /** The answer's status, for RESPONSE_TOO_LARGE; the proxy's, for a refused CONNECT. */
  readonly status: number | undefined;
  /** For TIMEOUT through a proxy: the proxy never let the request through, so nothing reached the collector. */
  readonly unsent: boolean;
}

/**
 * Sends one request with `node:http` / `node:https` and reads the whole answer.
 *
 * Why not the global `fetch`: the store mostly serves one-shot CLI processes, and undici's first request in a
 * fresh process costs about 100 ms of CPU (its HTTP parser is WebAssembly compiled at first use), more than the
 * rest of `autodev record`. And `fetch` follows redirects, turning a `POST /v1/records` that a proxy answers
 * with 301/302/303 into a `GET` that "succeeds" with nothing stored; here a 3xx is just an answer.
 *
 * Connections are kept alive by Node's global agent (idle sockets do not hold the process open).
 * @throws {TransportError} TIMEOUT when the answer is not complete within `timeoutMs`; NETWORK when the
 * connection fails or breaks before the answer is complete; RESPONSE_TOO_LARGE when the body would exceed
 * `maxResponseBytes` (checked against Content-Length first, then while reading a chunked body); PROXY (with an
 * `agent`) when the proxy could not be reached or refused to open a tunnel (its status in `status`).
 */
export function exchange({ method, url, headers, body, timeoutMs, maxResponseBytes, agent }: Exchange): Promise<Answer> {
  return new Promise<Answer>((resolve, reject) => {
    const sent: Record<string, string> = { ...headers };
    if (body !== undefined) sent['content-length'] = String(Buffer.byteLength(body));
    let settled = false;
    // Closes the connection to a proxy that is still being made when the exchange is given up: Node has no socket
    // to destroy then, and the proxy agents do not notice (see withConnectSignal in proxy.ts).
    const connecting = new AbortController();
    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      action();
    };
    const failWith = (error: TransportError) =>
      finish(() => {
        connecting.abort();
        reject(error);
      });
    // Through a proxy, a failure before the request has a socket is one of reaching the proxy (connecting to it, or
    // its CONNECT answer never coming): the agent hands the socket over only once the proxy let it through.
    let reachedProxy = agent === undefined;
    const failed = (e: unknown) => {
      const reason = (e as { code?: string }).code ?? (e as Error).message;
      failWith(new TransportError(reachedProxy ? 'NETWORK' : 'PROXY', reason, { cause: e }));
    };
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers: sent, ...(agent ? { agent, [CONNECT_SIGNAL]: connecting.signal } : {}) }, (res) => {
      const tooLarge = () => {
        failWith(new TransportError('RESPONSE_TOO_LARGE', `more than ${maxResponseBytes} bytes`, { status: res.statusCode }));
        req.destroy(); // not worth reading the rest: the socket is dropped rather than drained
      };
      if (Number(res.headers['content-length']) > maxResponseBytes) return tooLarge();
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxResponseBytes) tooLarge();
        else chunks.push(chunk);
      });
      res.on('error', failed);
      res.on('close', () => {
        if (!res.complete) failed(new Error('the connection closed before the answer was complete'));
      });
      res.on('end', () => finish(() => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') })));
    });
    const timer = setTimeout(() => {
      failWith(new TransportError('TIMEOUT', `no complete answer within ${timeoutMs} ms`, { unsent: !reachedProxy }));
      req.destroy();
    }, timeoutMs);
    req.on('error', failed);
    req.on('socket', () => (reachedProxy = true));
    // https-proxy-agent's report of the proxy's answer to CONNECT. Anything but 200 is the proxy's refusal (it then
    // replays that answer as the response, which must not pass for the collector's).
    req.on('proxyConnect', (answer: { statusCode?: number; statusText?: string }) => {
      reachedProxy = true;
      if (answer.statusCode === 200) return;
      failWith(new TransportError('PROXY', `${answer.statusCode ?? '?'} ${answer.statusText ?? ''}`.trim(), { status: answer.statusCode }));
      req.destroy();
    });
    req.end(body);
  });
}
