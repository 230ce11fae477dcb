import type { IncomingMessage, ServerResponse } from 'node:http';
import { MetricsServerError } from '../errors.js';

/** How a request body is framed. */
export type BodyFormat = 'json' | 'ndjson';

const JSON_TYPES = new Set(['application/json']);
const NDJSON_TYPES = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/jsonlines']);

/**
 * The body format named by `Content-Type`, or a 415. A missing or `text/plain` type is refused on purpose:
 * browsers send those cross-origin without a CORS preflight, so accepting them would let any web page a
 * developer visits post records to a collector on their machine.
 */
export function bodyFormat(req: IncomingMessage, allowNdjson: boolean): BodyFormat {
  const header = req.headers['content-type'];
  const [type = '', ...params] = (header ?? '').split(';').map((s) => s.trim().toLowerCase());
  const accepted = allowNdjson ? 'application/json (an array of records) or application/x-ndjson (one record per line)' : 'application/json';
  const format: BodyFormat | undefined = JSON_TYPES.has(type) ? 'json' : allowNdjson && NDJSON_TYPES.has(type) ? 'ndjson' : undefined;
  if (!format) {
    throw new MetricsServerError(
      'UNSUPPORTED_MEDIA_TYPE',
      header === undefined ? `missing Content-Type; send ${accepted}` : `Content-Type ${JSON.stringify(header)} is not accepted; send ${accepted}`,
    );
  }
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length).replace(/^"|"$/g, '');
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    throw new MetricsServerError('UNSUPPORTED_MEDIA_TYPE', `charset ${JSON.stringify(charset)} is not accepted; send UTF-8`);
  // The body is read as it comes: a compressed one would only fail later as "not valid UTF-8" (RFC 9110 §8.4.1 says 415).
  const encoding = req.headers['content-encoding']?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity')
    throw new MetricsServerError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${JSON.stringify(encoding)} is not accepted; send the body uncompressed`);
  return format;
}

const tooLarge = (limit: number) =>
  new MetricsServerError(
    'PAYLOAD_TOO_LARGE',
    `the body is larger than ${limit} bytes (maxBodyBytes); send fewer records per request, or raise maxBodyBytes on the server`,
  );

/** Whether Node has not answered the request's `Expect: 100-continue` yet (its flag; absent means not sent). */
function owesContinue(req: IncomingMessage, res: ServerResponse): boolean {
  return (
    req.httpVersionMajor === 1 &&
    req.httpVersionMinor >= 1 &&
    /^\s*100-continue\s*$/i.test(req.headers.expect ?? '') &&
    (res as ServerResponse & { _sent100?: boolean })._sent100 !== true
  );
}

/**
 * Reads the whole body as UTF-8 text, refusing it as soon as it passes `limit` bytes (from `Content-Length`
 * when present, else while it streams in), so an oversized body is never held in memory.
 *
 * A client that sent `Expect: 100-continue` is told `100 Continue` here, once the request is known to be wanted
 * (token, type and declared size checked), not before: a refused one gets its final answer without having sent
 * the body. `listen()`'s server routes such requests here (`checkContinue`); in a server of the caller's without
 * that listener, Node has already sent the 100 and nothing more is sent.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  if (owesContinue(req, res)) res.writeContinue();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      try {
        resolve(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks, size)));
      } catch {
        reject(new MetricsServerError('INVALID_BODY', 'the body is not valid UTF-8; send UTF-8 encoded JSON'));
      }
    };
    const onError = (e: Error) => {
      cleanup();
      reject(e);
    };
    // A client that disconnects mid-body: without this the promise (and the chunks read so far) would wait forever.
    const onClose = () => onError(new Error('the client closed the connection before the body was complete'));
    const cleanup = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** Parses JSON, or a 400 that says where it broke. */
export function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new MetricsServerError('INVALID_JSON', `${what} is not valid JSON (${(e as Error).message})`);
  }
}

/** The items of an NDJSON body (one JSON value per non-empty line) and the line number of each, from 1. */
export function parseNdjson(text: string): { items: unknown[]; lines: number[] } {
  const items: unknown[] = [];
  const lines: number[] = [];
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    items.push(parseJson(line, `line ${i + 1} of the NDJSON body`));
    lines.push(i + 1);
  }
  return { items, lines };
}
