import type { IncomingMessage, ServerResponse } from 'node:http';
import { setImmediate as nextTurn } from 'node:timers/promises';

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' } as const;

/** Sends `body` as one JSON document with its `Content-Length`. For small bodies; see {@link sendJsonArray}. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
  sendJsonText(res, status, JSON.stringify(body), headers);
}

/** Sends text that is already JSON (a cached answer) with its `Content-Length`. */
export function sendJsonText(res: ServerResponse, status: number, text: string, headers: Readonly<Record<string, string>> = {}): void {
  res.writeHead(status, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Up to this many items, `sendJsonArray` serializes in one go (well under a millisecond): streaming would cost more than it saves. */
export const STREAM_ABOVE_ITEMS = 2000;
/** Characters of serialized items per write while streaming: the size of a socket's default write buffer. */
export const STREAM_CHUNK_CHARS = 16 * 1024;
/**
 * While streaming, the event loop gets a turn at least this often (other requests are accepted and answered in
 * it). Yielding after every chunk instead made a 9 MB answer take twice as long for no better latency elsewhere.
 */
export const STREAM_YIELD_MS = 5;

/**
 * Answers 200 with `{ "<key>": [...items] }`, byte for byte what `JSON.stringify({ [key]: items })` gives.
 *
 * A large array is not turned into one string: 100,000 records are ~9 MB of JSON whose serialization blocked the
 * event loop for ~70 ms (every other request waited), and some 5 million exceed V8's maximum string length, a 500.
 * It is written in chunks of about {@link STREAM_CHUNK_CHARS} characters (chunked transfer encoding, no
 * `Content-Length`), waiting for `drain` whenever the socket's buffer is full and giving the event loop a turn at
 * least every {@link STREAM_YIELD_MS} ms, so the serialized output held in memory stays around one chunk plus the
 * socket's buffer however large the result, and other requests are answered meanwhile. (The result array itself
 * is the store's, already in memory.) Resolves when the answer is written or the client went away; then the rest
 * is not serialized.
 */
export async function sendJsonArray(
  req: IncomingMessage,
  res: ServerResponse,
  key: string,
  items: readonly unknown[],
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  if (items.length <= STREAM_ABOVE_ITEMS) return sendJson(res, 200, { [key]: items }, headers);
  res.writeHead(200, { ...JSON_HEADERS, ...headers });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  let turn = performance.now();
  let chunk = `{${JSON.stringify(key)}:[`;
  for (let i = 0; i < items.length; i++) {
    // Item by item (a slice per JSON.stringify was only ~5% faster, and a slice sized from small items could
    // meet large ones): the text JSON.stringify gives an array, items joined by commas and undefined as null
    // (records never are, but the wire format must not depend on it). A chunk is at most one item past the size.
    chunk += (i === 0 ? '' : ',') + (JSON.stringify(items[i]) ?? 'null');
    if (chunk.length < STREAM_CHUNK_CHARS) continue;
    if (res.destroyed) return;
    if (!res.write(chunk)) await drained(res);
    chunk = '';
    // Needed even when we just waited for `drain`: while the kernel takes every chunk at once, Node emits `drain`
    // from process.nextTick, and a loop awaiting only `drain` wrote a whole 9 MB answer without the event loop
    // ever accepting another request (/v1/health waited the full 100 ms).
    if (performance.now() - turn >= STREAM_YIELD_MS) {
      await nextTurn();
      turn = performance.now();
    }
  }
  if (!res.destroyed) res.end(`${chunk}]}`);
}

/** Resolves on `drain`, or on `close` when the client went away instead. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
