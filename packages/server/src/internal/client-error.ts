import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ServerErrorCode } from '../errors.js';

/** What a Node parser error (a `clientError`) is answered with. */
function describe(error: NodeJS.ErrnoException): { status: number; code: ServerErrorCode; message: string } {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      // Node counts the request line (the URL) in this limit too: a long GET /v1/records?where=… ends up here.
      return {
        status: 431,
        code: 'HEADERS_TOO_LARGE',
        message:
          'the request line and headers are larger than this server accepts (16 KB unless Node runs with --max-http-header-size); send fewer or shorter headers, or a shorter URL (a long query goes in the body of POST /v1/query)',
      };
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'the chunk extensions of the request body are too large; send the body without chunk extensions' };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'REQUEST_TIMEOUT', message: 'the request did not arrive in full within the time the server waits for it; send it again' };
    default:
      // Node's message names the fault ("Parse Error: Invalid method encountered").
      return { status: 400, code: 'MALFORMED_REQUEST', message: `the request is not valid HTTP/1.1 (${error.code ?? 'parse error'}: ${error.message}); check what the client sends` };
  }
}

/**
 * A `clientError` listener that answers Node's own HTTP parser errors (400 malformed request, 431 headers too large,
 * 408 request timeout, 413 chunk extensions too large) with the API's JSON error body instead of Node's empty one,
 * so a client sees a code and a message whatever failed. Like Node's default it writes only where that cannot
 * corrupt the connection: the socket is still writable and no answer has begun on it (`responding` maps a socket to
 * the response being sent on it). Then the connection is closed, as Node does.
 */
export function answerClientError(responding: WeakMap<object, ServerResponse>) {
  return (error: NodeJS.ErrnoException, socket: Duplex): void => {
    const answering = responding.get(socket);
    if (error.code === 'ECONNRESET' || !socket.writable || answering?.headersSent) {
      socket.destroy();
      return;
    }
    const { status, code, message } = describe(error);
    const body = JSON.stringify({ error: { code, message } });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
        'content-type: application/json; charset=utf-8\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\n` +
        'cache-control: no-store\r\n' +
        'x-content-type-options: nosniff\r\n' +
        'connection: close\r\n\r\n' +
        body,
      () => socket.destroy(),
    );
  };
}
