// Large query results: streamed in chunks with backpressure, byte for byte the JSON one JSON.stringify would give,
// and the server keeps answering other requests meanwhile.
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { createMemoryStore, type MetricRecord, type MetricStore } from '@autodev/learning';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetricsServer, type MetricsServer } from '../src/index.js';
import { STREAM_CHUNK_CHARS } from '../src/internal/respond.js';

const N = 200_000;
/** A worker that reads `workerData`'s URL to the end: says 'first' at the first chunk, then the length. */
const READER = `
const { parentPort, workerData } = require('node:worker_threads');
require('node:http').get(workerData, (res) => {
  let length = 0;
  res.once('data', () => parentPort.postMessage('first'));
  res.on('data', (c) => (length += c.length));
  res.on('end', () => parentPort.postMessage(length));
});
`;
const T0 = Date.parse('2026-02-01T00:00:00Z');

/** Every chunk the server hands to a response, and the most output a response ever held unsent. */
interface Watched {
  largestChunk: number;
  mostBuffered: number;
  /** Request paths in the order the server finished answering them. */
  finished: string[];
}

const mounted: { metrics: MetricsServer; own: Server; store: MetricStore }[] = [];
afterEach(async () => {
  for (const m of mounted.splice(0)) {
    await m.metrics.close();
    m.own.closeAllConnections();
    await new Promise((r) => m.own.close(r));
    await m.store.close();
  }
});

/** The handler mounted in a server of ours that watches what each response buffers. */
async function mount(store: MetricStore): Promise<{ url: string; watched: Watched }> {
  const metrics = createMetricsServer({ store });
  const watched: Watched = { largestChunk: 0, mostBuffered: 0, finished: [] };
  const own = createServer((req: IncomingMessage, res: ServerResponse) => {
    const note = () => (watched.mostBuffered = Math.max(watched.mostBuffered, res.writableLength));
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const end = res.end.bind(res) as (chunk?: unknown, ...rest: unknown[]) => ServerResponse;
    const size = (chunk: unknown) => (typeof chunk === 'string' || Buffer.isBuffer(chunk) ? chunk.length : 0);
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      watched.largestChunk = Math.max(watched.largestChunk, size(chunk));
      const ok = write(chunk, ...rest);
      note();
      return ok;
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      watched.largestChunk = Math.max(watched.largestChunk, size(chunk));
      const r = end(chunk, ...rest);
      note();
      return r;
    }) as typeof res.end;
    res.on('finish', () => watched.finished.push(req.url!));
    metrics.handler(req, res);
  });
  await new Promise<void>((r) => own.listen(0, '127.0.0.1', r));
  mounted.push({ metrics, own, store });
  return { url: `http://127.0.0.1:${(own.address() as AddressInfo).port}`, watched };
}

const bigStore = async () => {
  const store = createMemoryStore();
  await store.append(Array.from({ length: N }, (_, i) => ({ name: 'm', value: i, timestamp: T0 + i, metadata: {} })));
  return store;
};

/** A request whose response the test reads at its own pace. */
function open(url: string, init: { method?: string; body?: string } = {}): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.body === undefined ? {} : { 'content-type': 'application/json' } }, resolve);
    req.on('error', reject);
    req.end(init.body);
  });
}

const readAll = async (res: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

describe('large query results', () => {
  it('streams 200,000 records with bounded buffering, the same bytes as one JSON.stringify, while /v1/health is answered', async () => {
    const store = await bigStore();
    const { url, watched } = await mount(store);
    const expected = JSON.stringify({ records: await store.query() });

    const big = await open(`${url}/v1/records`);
    expect(big.statusCode).toBe(200);
    expect(big.headers['content-type']).toBe('application/json; charset=utf-8');
    const order: string[] = [];
    // Take the first chunk, then stop reading: the server is mid-answer and must wait for us (backpressure).
    const chunks: Buffer[] = [];
    const first = new Promise((r) => big.once('data', r));
    big.on('data', (c: Buffer) => chunks.push(c));
    await first;
    big.pause();
    const health = await open(`${url}/v1/health`);
    expect(JSON.parse(await readAll(health))).toEqual({ ok: true });
    order.push('health answered');
    const ended = new Promise((r) => big.once('end', r));
    big.resume();
    await ended;
    order.push('records ended');
    expect(order).toEqual(['health answered', 'records ended']);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(expected);
    // Before, the whole 13 MB answer was one string handed to res.end() and buffered in the response.
    expect(watched.largestChunk).toBeLessThan(2 * STREAM_CHUNK_CHARS);
    expect(watched.mostBuffered).toBeLessThan(4 * STREAM_CHUNK_CHARS);
    expect(expected.length).toBeGreaterThan(50 * STREAM_CHUNK_CHARS);
  });

  it('answers /v1/health before a large answer to a client that keeps reading is complete (the loop is not held)', async () => {
    // Node emits `drain` from process.nextTick while the kernel takes every chunk at once: a stream that only
    // awaited `drain` never gave the event loop a turn, and the health check waited for the whole answer. The
    // big answer's reader runs in a worker thread, so it reads while this thread's event loop is busy.
    const store = await bigStore();
    const { url, watched } = await mount(store);
    const reader = new Worker(READER, { eval: true, workerData: `${url}/v1/records` });
    try {
      const messages: unknown[] = [];
      const done = new Promise<void>((resolve, reject) => {
        reader.on('message', (m: unknown) => (messages.push(m), m !== 'first' && resolve()));
        reader.once('error', reject);
      });
      await new Promise<void>((r) => reader.once('message', () => r()));
      const health = await open(`${url}/v1/health`);
      expect(JSON.parse(await readAll(health))).toEqual({ ok: true });
      await done;
      expect(messages).toEqual(['first', JSON.stringify({ records: await store.query() }).length]);
      expect(watched.finished).toEqual(['/v1/health', '/v1/records']);
    } finally {
      await reader.terminate();
    }
  });

  it('POST /v1/query streams the same way, and HEAD gets the headers without serializing anything', async () => {
    const store = await bigStore();
    const { url, watched } = await mount(store);
    const res = await open(`${url}/v1/query`, { method: 'POST', body: JSON.stringify({ name: 'm', order: 'desc' }) });
    expect(res.statusCode).toBe(200);
    expect(await readAll(res)).toBe(JSON.stringify({ records: await store.query({ name: 'm', order: 'desc' }) }));
    expect(watched.largestChunk).toBeLessThan(2 * STREAM_CHUNK_CHARS);

    const head = await open(`${url}/v1/records`, { method: 'HEAD' });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(await readAll(head)).toBe('');
  });

  it('stops serializing when the client goes away mid-answer, and close() does not wait for the rest', async () => {
    const inner = await bigStore();
    let serialized = 0;
    // Records that count their own serialization (JSON.stringify calls toJSON).
    const counting = (r: MetricRecord) => ({ ...r, toJSON: () => (serialized++, { name: r.name, value: r.value, timestamp: r.timestamp, metadata: r.metadata }) });
    const store: MetricStore = { ...inner, query: async (q) => (await inner.query(q)).map(counting) };
    const { url } = await mount(store);
    const big = await open(`${url}/v1/records`);
    await new Promise((r) => big.once('data', r));
    big.destroy();
    await mounted[0]!.metrics.close(); // waits for every request still in the handler
    expect(serialized).toBeGreaterThan(0);
    expect(serialized).toBeLessThan(N);
  });
});
